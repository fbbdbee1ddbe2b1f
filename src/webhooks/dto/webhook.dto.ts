import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { HMAC_ALGORITHMS, SIGNATURE_ENCODINGS } from '../webhook-auth.js';
import { HMAC_PRESETS, RESPONSE_MODES, WEBHOOK_AUTH_TYPES, WEBHOOK_METHODS, type HmacPreset, type ResponseMode, type WebhookAuthType, type WebhookMethod } from '../webhook.types.js';

/** An HTTP header field name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_NAME_MESSAGE = (field: string) => `${field} must be a valid HTTP header name`;

/** Optional, but null is not a value the field may take (unlike @IsOptional, which lets null through). */
const Optional = () => ValidateIf((_, value) => value !== undefined);

export class WebhookAuthenticationDto {
  @ApiProperty({ enum: WEBHOOK_AUTH_TYPES, default: 'none' })
  @IsIn(WEBHOOK_AUTH_TYPES)
  type: WebhookAuthType;

  @ApiPropertyOptional({ description: 'header: an httpHeaderAuth credential; basic: httpBasicAuth; hmac: webhookSecret. It must belong to the workflow\'s owner.' })
  @IsOptional()
  @IsUUID('all')
  credentialId?: string;

  @ApiPropertyOptional({ enum: HMAC_PRESETS, description: 'hmac only' })
  @IsOptional()
  @IsIn(HMAC_PRESETS)
  preset?: HmacPreset;

  @ApiPropertyOptional({ description: 'hmac with preset generic: the header carrying the signature', example: 'X-Signature' })
  @IsOptional()
  @MaxLength(100)
  @Matches(HEADER_NAME, { message: HEADER_NAME_MESSAGE('headerName') })
  headerName?: string;

  @ApiPropertyOptional({ enum: HMAC_ALGORITHMS, description: 'hmac with preset generic' })
  @IsOptional()
  @IsIn(HMAC_ALGORITHMS)
  algorithm?: (typeof HMAC_ALGORITHMS)[number];

  @ApiPropertyOptional({ enum: SIGNATURE_ENCODINGS, description: 'hmac with preset generic' })
  @IsOptional()
  @IsIn(SIGNATURE_ENCODINGS)
  encoding?: (typeof SIGNATURE_ENCODINGS)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: 86400, default: 300, description: 'hmac with a timestamped preset (standardWebhooks, stripe): the clock skew accepted' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  toleranceSeconds?: number;
}

export class WebhookRateLimitDto {
  @ApiProperty({ minimum: 1, maximum: 100000, description: 'Requests allowed per window' })
  @IsInt()
  @Min(1)
  @Max(100000)
  limit: number;

  @ApiProperty({ minimum: 1, maximum: 86400, description: 'Window length in seconds' })
  @IsInt()
  @Min(1)
  @Max(86400)
  windowSeconds: number;
}

/** Everything of a webhook that PATCH may change; POST adds `workflowId`. */
export class UpdateWebhookDto {
  @ApiPropertyOptional({ enum: WEBHOOK_METHODS, default: 'POST', description: 'Case-insensitive; stored upper case' })
  @Optional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(WEBHOOK_METHODS)
  method?: WebhookMethod;

  @ApiPropertyOptional({ enum: RESPONSE_MODES, default: 'onReceived' })
  @Optional()
  @IsIn(RESPONSE_MODES)
  responseMode?: ResponseMode;

  @ApiPropertyOptional({ minimum: 1000, maximum: 300000, default: 30000, description: 'lastNode/responseNode: how long the caller waits for the result' })
  @Optional()
  @IsInt()
  @Min(1000)
  @Max(300000)
  responseTimeoutMs?: number;

  @ApiPropertyOptional({ type: () => WebhookAuthenticationDto, default: { type: 'none' } })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookAuthenticationDto)
  authentication?: WebhookAuthenticationDto;

  @ApiPropertyOptional({ default: 'Idempotency-Key', description: 'The request header whose value deduplicates deliveries', example: 'X-GitHub-Delivery' })
  @Optional()
  @MaxLength(100)
  @Matches(HEADER_NAME, { message: HEADER_NAME_MESSAGE('idempotencyHeader') })
  idempotencyHeader?: string;

  @ApiPropertyOptional({ type: () => WebhookRateLimitDto, nullable: true, description: 'null: no limit' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookRateLimitDto)
  rateLimit?: WebhookRateLimitDto | null;

  @ApiPropertyOptional({ default: true, description: 'An inactive webhook answers 404' })
  @Optional()
  @IsBoolean()
  active?: boolean;
}

export class CreateWebhookDto extends UpdateWebhookDto {
  @ApiProperty({ description: 'The workflow the webhook triggers' })
  @IsUUID('all')
  workflowId: string;
}

export class WebhookQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all')
  workflowId?: string;
}

export class WebhookDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Where senders deliver: {PUBLIC_URL}/webhook/handler/{id}' }) url: string;
  @ApiProperty() workflowId: string;
  @ApiProperty({ enum: WEBHOOK_METHODS }) method: WebhookMethod;
  @ApiProperty({ enum: RESPONSE_MODES }) responseMode: ResponseMode;
  @ApiProperty() responseTimeoutMs: number;
  @ApiProperty({ type: () => WebhookAuthenticationDto }) authentication: WebhookAuthenticationDto;
  @ApiProperty() idempotencyHeader: string;
  @ApiProperty({ type: () => WebhookRateLimitDto, nullable: true }) rateLimit: WebhookRateLimitDto | null;
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) lastTriggeredAt: string | null;
}

export class WebhookPageDto extends PageDto(WebhookDto, 'WebhookPage') {}
