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
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { AdminOnly } from '../common/auth.decorators.js';
import { PageQueryDto, pageLimit, toPage } from '../common/pagination.js';
import { CurrentPrincipal } from '../common/principal.js';
import { CreateApiKeyDto, CreatedApiKeyDto, CreateUserDto, UserDto, UserPageDto, toApiKeyDto, toUserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';
let UsersController = class UsersController {
    users;
    constructor(users) {
        this.users = users;
    }
    async me(principal) {
        return toUserDto(await this.users.getUser(principal.userId));
    }
    async create(body) {
        return toUserDto(await this.users.createUser(body));
    }
    async list(query) {
        const limit = pageLimit(query);
        return toPage(await this.users.listUsers(limit, query.cursor), limit, toUserDto);
    }
    async createKey(id, body) {
        const { entity, key } = await this.users.createApiKey(id, body.name, body.expiresAt);
        return { ...toApiKeyDto(entity), key };
    }
    async revokeKey(id) {
        await this.users.revokeApiKey(id);
    }
};
__decorate([
    Get('users/me'),
    ApiRoute({ summary: 'The user behind the API key', type: UserDto }),
    __param(0, CurrentPrincipal()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], UsersController.prototype, "me", null);
__decorate([
    Post('users'),
    AdminOnly(),
    ApiRoute({ summary: 'Create a user (admin only)', status: 201, type: UserDto, errors: [400, 403, 409] }),
    __param(0, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [CreateUserDto]),
    __metadata("design:returntype", Promise)
], UsersController.prototype, "create", null);
__decorate([
    Get('users'),
    AdminOnly(),
    ApiRoute({ summary: 'List users, newest first (admin only)', type: UserPageDto, errors: [400, 403] }),
    __param(0, Query()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [PageQueryDto]),
    __metadata("design:returntype", Promise)
], UsersController.prototype, "list", null);
__decorate([
    Post('users/:id/api-keys'),
    AdminOnly(),
    ApiRoute({ summary: 'Create an API key for a user (admin only)', description: 'The key is in this response only; it is stored hashed.', status: 201, type: CreatedApiKeyDto, errors: [400, 403, 404] }),
    __param(0, Param('id', ParseUUIDPipe)),
    __param(1, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, CreateApiKeyDto]),
    __metadata("design:returntype", Promise)
], UsersController.prototype, "createKey", null);
__decorate([
    Delete('api-keys/:id'),
    AdminOnly(),
    ApiRoute({ summary: 'Revoke an API key (admin only)', status: 204, errors: [403, 404] }),
    __param(0, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", Promise)
], UsersController.prototype, "revokeKey", null);
UsersController = __decorate([
    ApiTags('users'),
    Controller(),
    __metadata("design:paramtypes", [UsersService])
], UsersController);
export { UsersController };
//# sourceMappingURL=users.controller.js.map