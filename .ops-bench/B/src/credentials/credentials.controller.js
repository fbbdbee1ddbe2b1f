var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage } from '../common/pagination.js';
import { CurrentPrincipal, ownerScope } from '../common/principal.js';
import { credentialTypeDtos, toCredentialDto } from './credential.mapper.js';
import { CredentialsService } from './credentials.service.js';
import { CreateCredentialDto, CredentialDto, CredentialPageDto, CredentialQueryDto, CredentialTypeDto, UpdateCredentialDto } from './dto/credential.dto.js';
const NO_SECRETS = 'Responses carry the names of the secret fields, never their values.';
let CredentialsController = class CredentialsController {
    credentials;
    constructor(credentials) {
        this.credentials = credentials;
    }
    // Declared before `:id` so that Express does not route "types" as an id.
    types() {
        return credentialTypeDtos();
    }
    async create(principal, body) {
        return toCredentialDto(await this.credentials.create(principal.userId, body));
    }
    async list(principal, query) {
        const limit = pageLimit(query);
        const rows = await this.credentials.list(ownerScope(principal), { type: query.type, limit, cursor: query.cursor });
        return toPage(rows, limit, toCredentialDto);
    }
    async get(principal, id) {
        return toCredentialDto(await this.credentials.getCredentials(id, ownerScope(principal)));
    }
    async update(principal, id, body) {
        return toCredentialDto(await this.credentials.update(id, ownerScope(principal), body));
    }
    async delete(principal, id) {
        await this.credentials.delete(id, ownerScope(principal));
    }
};
__decorate([
    Get('types'),
    ApiRoute({ summary: 'Credential types and their fields', type: [CredentialTypeDto] }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Array)
], CredentialsController.prototype, "types", null);
__decorate([
    Post(),
    ApiRoute({
        summary: 'Create a credential',
        description: `\`data\` must hold exactly the fields of \`type\`; it is encrypted with AES-256-GCM. ${NO_SECRETS}`,
        status: 201,
        type: CredentialDto,
        errors: [400],
    }),
    __param(0, CurrentPrincipal()),
    __param(1, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, CreateCredentialDto]),
    __metadata("design:returntype", Promise)
], CredentialsController.prototype, "create", null);
__decorate([
    Get(),
    ApiRoute({ summary: 'List credentials, newest first', description: `Members see their own; admins see all. ${NO_SECRETS}`, type: CredentialPageDto, errors: [400] }),
    __param(0, CurrentPrincipal()),
    __param(1, Query()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, CredentialQueryDto]),
    __metadata("design:returntype", Promise)
], CredentialsController.prototype, "list", null);
__decorate([
    Get(':id'),
    ApiRoute({ summary: 'Get a credential', description: NO_SECRETS, type: CredentialDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], CredentialsController.prototype, "get", null);
__decorate([
    Patch(':id'),
    ApiRoute({ summary: 'Rename a credential and/or replace its data', description: `\`data\` is replaced whole and validated against the type. ${NO_SECRETS}`, type: CredentialDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __param(2, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String, UpdateCredentialDto]),
    __metadata("design:returntype", Promise)
], CredentialsController.prototype, "update", null);
__decorate([
    Delete(':id'),
    ApiRoute({ summary: 'Delete a credential', description: 'Refused with 409 while a workflow node or a webhook uses it.', status: 204, errors: [400, 404, 409] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], CredentialsController.prototype, "delete", null);
CredentialsController = __decorate([
    ApiTags('credentials'),
    Controller('credentials'),
    __metadata("design:paramtypes", [CredentialsService])
], CredentialsController);
export { CredentialsController };
//# sourceMappingURL=credentials.controller.js.map