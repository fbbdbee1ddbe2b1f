import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class ManualRunDto {
  @ApiPropertyOptional({ description: 'The trigger body', example: { email: 'ada@example.com', score: 95 } })
  @IsOptional()
  body?: unknown;

  @ApiPropertyOptional({ description: 'Trigger headers', type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Trigger query parameters', type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  query?: Record<string, unknown>;
}
