import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageDto } from '../../common/pagination.js';
import type { ApiKeyEntity } from '../api-key.entity.js';
import type { UserEntity, UserRole } from '../user.entity.js';

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ enum: ['admin', 'member'], default: 'member' })
  @IsOptional()
  @IsIn(['admin', 'member'])
  role?: UserRole;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci deploys' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'ISO-8601 instant after which the key stops working; omitted: never', format: 'date-time', example: '2099-12-31T23:59:59Z' })
  @IsOptional()
  @IsDateString()
  expiresAt?: string;
}

export class UserDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['admin', 'member'] }) role: UserRole;
  @ApiProperty() createdAt: string;
}

export class UserPageDto extends PageDto(UserDto, 'UserPage') {}

export class ApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() userId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first 8 characters of the key' }) prefix: string;
  @ApiProperty({ type: String, nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt: string | null;
  @ApiProperty() createdAt: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown this once; only its hash is stored.' })
  key: string;
}

export const toUserDto = (user: UserEntity): UserDto => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  createdAt: user.createdAt.toISOString(),
});

export const toApiKeyDto = (key: ApiKeyEntity): ApiKeyDto => ({
  id: key.id,
  userId: key.userId,
  name: key.name,
  prefix: key.prefix,
  expiresAt: key.expiresAt?.toISOString() ?? null,
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  createdAt: key.createdAt.toISOString(),
});
