import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { CREDENTIAL_TYPE_NAMES, type CredentialType } from '../credential-types.js';

const DATA_DESCRIPTION = 'The secret fields of the type (see GET /credentials/types), all non-empty strings. Encrypted at rest and never returned.';

export class CreateCredentialDto {
  @ApiProperty({ example: 'Resend (production)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: CREDENTIAL_TYPE_NAMES, example: 'resend' })
  @IsIn(CREDENTIAL_TYPE_NAMES)
  type: CredentialType;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: DATA_DESCRIPTION, example: { apiKey: 're_123456789' } })
  @IsObject()
  data: Record<string, unknown>;
}

/** Present fields are changed; null is not a value either may take. */
export class UpdateCredentialDto {
  @ApiPropertyOptional({ example: 'Resend (staging)' })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: `Replaces the whole secret. ${DATA_DESCRIPTION}`, example: { apiKey: 're_987654321' } })
  @ValidateIf((_, value) => value !== undefined)
  @IsObject()
  data?: Record<string, unknown>;
}

export class CredentialQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CREDENTIAL_TYPE_NAMES })
  @IsOptional()
  @IsIn(CREDENTIAL_TYPE_NAMES)
  type?: CredentialType;
}

export class CredentialDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CREDENTIAL_TYPE_NAMES }) type: string;
  @ApiProperty({ type: [String], description: 'Names of the secret fields; the values are never returned', example: ['apiKey'] }) fields: string[];
  @ApiProperty() ownerId: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CredentialPageDto extends PageDto(CredentialDto, 'CredentialPage') {}

export class CredentialTypeDto {
  @ApiProperty({ enum: CREDENTIAL_TYPE_NAMES }) type: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String], description: 'Required fields of `data`, all strings', example: ['apiKey'] }) fields: string[];
}
