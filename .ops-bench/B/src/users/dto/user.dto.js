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
import { IsDateString, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageDto } from '../../common/pagination.js';
export class CreateUserDto {
    email;
    name;
    role;
}
__decorate([
    ApiProperty({ example: 'ada@example.com' }),
    IsEmail(),
    MaxLength(320),
    __metadata("design:type", String)
], CreateUserDto.prototype, "email", void 0);
__decorate([
    ApiProperty({ example: 'Ada Lovelace' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], CreateUserDto.prototype, "name", void 0);
__decorate([
    ApiPropertyOptional({ enum: ['admin', 'member'], default: 'member' }),
    IsOptional(),
    IsIn(['admin', 'member']),
    __metadata("design:type", String)
], CreateUserDto.prototype, "role", void 0);
export class CreateApiKeyDto {
    name;
    expiresAt;
}
__decorate([
    ApiProperty({ example: 'ci deploys' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], CreateApiKeyDto.prototype, "name", void 0);
__decorate([
    ApiPropertyOptional({ description: 'ISO-8601 instant after which the key stops working' }),
    IsOptional(),
    IsDateString(),
    __metadata("design:type", String)
], CreateApiKeyDto.prototype, "expiresAt", void 0);
export class UserDto {
    id;
    email;
    name;
    role;
    createdAt;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], UserDto.prototype, "id", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], UserDto.prototype, "email", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], UserDto.prototype, "name", void 0);
__decorate([
    ApiProperty({ enum: ['admin', 'member'] }),
    __metadata("design:type", String)
], UserDto.prototype, "role", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], UserDto.prototype, "createdAt", void 0);
export class UserPageDto extends PageDto(UserDto, 'UserPage') {
}
export class ApiKeyDto {
    id;
    userId;
    name;
    prefix;
    expiresAt;
    lastUsedAt;
    createdAt;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ApiKeyDto.prototype, "id", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ApiKeyDto.prototype, "userId", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ApiKeyDto.prototype, "name", void 0);
__decorate([
    ApiProperty({ description: 'The first 8 characters of the key' }),
    __metadata("design:type", String)
], ApiKeyDto.prototype, "prefix", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ApiKeyDto.prototype, "expiresAt", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ApiKeyDto.prototype, "lastUsedAt", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ApiKeyDto.prototype, "createdAt", void 0);
export class CreatedApiKeyDto extends ApiKeyDto {
    key;
}
__decorate([
    ApiProperty({ description: 'The key itself. Shown this once; only its hash is stored.' }),
    __metadata("design:type", String)
], CreatedApiKeyDto.prototype, "key", void 0);
export const toUserDto = (user) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
});
export const toApiKeyDto = (key) => ({
    id: key.id,
    userId: key.userId,
    name: key.name,
    prefix: key.prefix,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
});
//# sourceMappingURL=user.dto.js.map