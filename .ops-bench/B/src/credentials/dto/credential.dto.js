var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { CREDENTIAL_TYPE_NAMES } from '../credential-types.js';
const DATA_DESCRIPTION = 'The secret fields of the type (see GET /credentials/types), all non-empty strings. Encrypted at rest and never returned.';
export class CreateCredentialDto {
    name;
    type;
    data;
}
__decorate([
    ApiProperty({ example: 'Resend (production)' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], CreateCredentialDto.prototype, "name", void 0);
__decorate([
    ApiProperty({ enum: CREDENTIAL_TYPE_NAMES, example: 'resend' }),
    IsIn(CREDENTIAL_TYPE_NAMES),
    __metadata("design:type", String)
], CreateCredentialDto.prototype, "type", void 0);
__decorate([
    ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: DATA_DESCRIPTION, example: { apiKey: 're_123456789' } }),
    IsObject(),
    __metadata("design:type", Object)
], CreateCredentialDto.prototype, "data", void 0);
/** Present fields are changed; null is not a value either may take. */
export class UpdateCredentialDto {
    name;
    data;
}
__decorate([
    ApiPropertyOptional({ example: 'Resend (staging)' }),
    ValidateIf((_, value) => value !== undefined),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], UpdateCredentialDto.prototype, "name", void 0);
__decorate([
    ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: `Replaces the whole secret. ${DATA_DESCRIPTION}` }),
    ValidateIf((_, value) => value !== undefined),
    IsObject(),
    __metadata("design:type", Object)
], UpdateCredentialDto.prototype, "data", void 0);
export class CredentialQueryDto extends PageQueryDto {
    type;
}
__decorate([
    ApiPropertyOptional({ enum: CREDENTIAL_TYPE_NAMES }),
    IsOptional(),
    IsIn(CREDENTIAL_TYPE_NAMES),
    __metadata("design:type", String)
], CredentialQueryDto.prototype, "type", void 0);
export class CredentialDto {
    id;
    name;
    type;
    fields;
    ownerId;
    createdAt;
    updatedAt;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], CredentialDto.prototype, "id", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], CredentialDto.prototype, "name", void 0);
__decorate([
    ApiProperty({ enum: CREDENTIAL_TYPE_NAMES }),
    __metadata("design:type", String)
], CredentialDto.prototype, "type", void 0);
__decorate([
    ApiProperty({ type: [String], description: 'Names of the secret fields; the values are never returned', example: ['apiKey'] }),
    __metadata("design:type", Array)
], CredentialDto.prototype, "fields", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], CredentialDto.prototype, "ownerId", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], CredentialDto.prototype, "createdAt", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], CredentialDto.prototype, "updatedAt", void 0);
export class CredentialPageDto extends PageDto(CredentialDto, 'CredentialPage') {
}
export class CredentialTypeDto {
    type;
    description;
    fields;
}
__decorate([
    ApiProperty({ enum: CREDENTIAL_TYPE_NAMES }),
    __metadata("design:type", String)
], CredentialTypeDto.prototype, "type", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], CredentialTypeDto.prototype, "description", void 0);
__decorate([
    ApiProperty({ type: [String], description: 'Required fields of `data`, all strings', example: ['apiKey'] }),
    __metadata("design:type", Array)
], CredentialTypeDto.prototype, "fields", void 0);
//# sourceMappingURL=credential.dto.js.map