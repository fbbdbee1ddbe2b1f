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
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { HMAC_ALGORITHMS, SIGNATURE_ENCODINGS } from '../webhook-auth.js';
import { HMAC_PRESETS, RESPONSE_MODES, WEBHOOK_AUTH_TYPES, WEBHOOK_METHODS } from '../webhook.types.js';
/** An HTTP header field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_NAME_MESSAGE = (field) => `${field} must be a valid HTTP header name`;
/** Optional, but null is not a value the field may take (unlike @IsOptional, which lets null through). */
const Optional = () => ValidateIf((_, value) => value !== undefined);
export class WebhookAuthenticationDto {
    type;
    credentialId;
    preset;
    headerName;
    algorithm;
    encoding;
    toleranceSeconds;
}
__decorate([
    ApiProperty({ enum: WEBHOOK_AUTH_TYPES, default: 'none' }),
    IsIn(WEBHOOK_AUTH_TYPES),
    __metadata("design:type", String)
], WebhookAuthenticationDto.prototype, "type", void 0);
__decorate([
    ApiPropertyOptional({ description: 'header: an httpHeaderAuth credential; basic: httpBasicAuth; hmac: webhookSecret. It must belong to the workflow\'s owner.' }),
    IsOptional(),
    IsUUID('all'),
    __metadata("design:type", String)
], WebhookAuthenticationDto.prototype, "credentialId", void 0);
__decorate([
    ApiPropertyOptional({ enum: HMAC_PRESETS, description: 'hmac only' }),
    IsOptional(),
    IsIn(HMAC_PRESETS),
    __metadata("design:type", String)
], WebhookAuthenticationDto.prototype, "preset", void 0);
__decorate([
    ApiPropertyOptional({ description: 'hmac with preset generic: the header carrying the signature', example: 'X-Signature' }),
    IsOptional(),
    MaxLength(100),
    Matches(HEADER_NAME, { message: HEADER_NAME_MESSAGE('headerName') }),
    __metadata("design:type", String)
], WebhookAuthenticationDto.prototype, "headerName", void 0);
__decorate([
    ApiPropertyOptional({ enum: HMAC_ALGORITHMS, description: 'hmac with preset generic' }),
    IsOptional(),
    IsIn(HMAC_ALGORITHMS),
    __metadata("design:type", Object)
], WebhookAuthenticationDto.prototype, "algorithm", void 0);
__decorate([
    ApiPropertyOptional({ enum: SIGNATURE_ENCODINGS, description: 'hmac with preset generic' }),
    IsOptional(),
    IsIn(SIGNATURE_ENCODINGS),
    __metadata("design:type", Object)
], WebhookAuthenticationDto.prototype, "encoding", void 0);
__decorate([
    ApiPropertyOptional({ minimum: 1, maximum: 86400, default: 300, description: 'hmac with a timestamped preset (standardWebhooks, stripe): the clock skew accepted' }),
    IsOptional(),
    IsInt(),
    Min(1),
    Max(86400),
    __metadata("design:type", Number)
], WebhookAuthenticationDto.prototype, "toleranceSeconds", void 0);
export class WebhookRateLimitDto {
    limit;
    windowSeconds;
}
__decorate([
    ApiProperty({ minimum: 1, maximum: 100000, description: 'Requests allowed per window' }),
    IsInt(),
    Min(1),
    Max(100000),
    __metadata("design:type", Number)
], WebhookRateLimitDto.prototype, "limit", void 0);
__decorate([
    ApiProperty({ minimum: 1, maximum: 86400, description: 'Window length in seconds' }),
    IsInt(),
    Min(1),
    Max(86400),
    __metadata("design:type", Number)
], WebhookRateLimitDto.prototype, "windowSeconds", void 0);
/** Everything of a webhook that PATCH may change; POST adds `workflowId`. */
export class UpdateWebhookDto {
    method;
    responseMode;
    responseTimeoutMs;
    authentication;
    idempotencyHeader;
    rateLimit;
    active;
}
__decorate([
    ApiPropertyOptional({ enum: WEBHOOK_METHODS, default: 'POST', description: 'Case-insensitive; stored upper case' }),
    Optional(),
    Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value)),
    IsIn(WEBHOOK_METHODS),
    __metadata("design:type", String)
], UpdateWebhookDto.prototype, "method", void 0);
__decorate([
    ApiPropertyOptional({ enum: RESPONSE_MODES, default: 'onReceived' }),
    Optional(),
    IsIn(RESPONSE_MODES),
    __metadata("design:type", String)
], UpdateWebhookDto.prototype, "responseMode", void 0);
__decorate([
    ApiPropertyOptional({ minimum: 1000, maximum: 300000, default: 30000, description: 'lastNode/responseNode: how long the caller waits for the result' }),
    Optional(),
    IsInt(),
    Min(1000),
    Max(300000),
    __metadata("design:type", Number)
], UpdateWebhookDto.prototype, "responseTimeoutMs", void 0);
__decorate([
    ApiPropertyOptional({ type: () => WebhookAuthenticationDto, default: { type: 'none' } }),
    Optional(),
    IsObject(),
    ValidateNested(),
    Type(() => WebhookAuthenticationDto),
    __metadata("design:type", WebhookAuthenticationDto)
], UpdateWebhookDto.prototype, "authentication", void 0);
__decorate([
    ApiPropertyOptional({ default: 'Idempotency-Key', description: 'The request header whose value deduplicates deliveries', example: 'X-GitHub-Delivery' }),
    Optional(),
    MaxLength(100),
    Matches(HEADER_NAME, { message: HEADER_NAME_MESSAGE('idempotencyHeader') }),
    __metadata("design:type", String)
], UpdateWebhookDto.prototype, "idempotencyHeader", void 0);
__decorate([
    ApiPropertyOptional({ type: () => WebhookRateLimitDto, nullable: true, description: 'null: no limit' }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => WebhookRateLimitDto),
    __metadata("design:type", Object)
], UpdateWebhookDto.prototype, "rateLimit", void 0);
__decorate([
    ApiPropertyOptional({ default: true, description: 'An inactive webhook answers 404' }),
    Optional(),
    IsBoolean(),
    __metadata("design:type", Boolean)
], UpdateWebhookDto.prototype, "active", void 0);
export class CreateWebhookDto extends UpdateWebhookDto {
    workflowId;
}
__decorate([
    ApiProperty({ description: 'The workflow the webhook triggers' }),
    IsUUID('all'),
    __metadata("design:type", String)
], CreateWebhookDto.prototype, "workflowId", void 0);
export class WebhookQueryDto extends PageQueryDto {
    workflowId;
}
__decorate([
    ApiPropertyOptional(),
    IsOptional(),
    IsUUID('all'),
    __metadata("design:type", String)
], WebhookQueryDto.prototype, "workflowId", void 0);
export class WebhookDto {
    id;
    url;
    workflowId;
    method;
    responseMode;
    responseTimeoutMs;
    authentication;
    idempotencyHeader;
    rateLimit;
    active;
    createdAt;
    lastTriggeredAt;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WebhookDto.prototype, "id", void 0);
__decorate([
    ApiProperty({ description: 'Where senders deliver: {PUBLIC_URL}/webhook/handler/{id}' }),
    __metadata("design:type", String)
], WebhookDto.prototype, "url", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WebhookDto.prototype, "workflowId", void 0);
__decorate([
    ApiProperty({ enum: WEBHOOK_METHODS }),
    __metadata("design:type", String)
], WebhookDto.prototype, "method", void 0);
__decorate([
    ApiProperty({ enum: RESPONSE_MODES }),
    __metadata("design:type", String)
], WebhookDto.prototype, "responseMode", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", Number)
], WebhookDto.prototype, "responseTimeoutMs", void 0);
__decorate([
    ApiProperty({ type: () => WebhookAuthenticationDto }),
    __metadata("design:type", WebhookAuthenticationDto)
], WebhookDto.prototype, "authentication", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WebhookDto.prototype, "idempotencyHeader", void 0);
__decorate([
    ApiProperty({ type: () => WebhookRateLimitDto, nullable: true }),
    __metadata("design:type", Object)
], WebhookDto.prototype, "rateLimit", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", Boolean)
], WebhookDto.prototype, "active", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WebhookDto.prototype, "createdAt", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], WebhookDto.prototype, "lastTriggeredAt", void 0);
export class WebhookPageDto extends PageDto(WebhookDto, 'WebhookPage') {
}
//# sourceMappingURL=webhook.dto.js.map