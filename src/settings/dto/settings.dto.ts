import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID, ValidateIf } from 'class-validator';
import type { InstanceSettings } from '../settings.repository.js';

export class SettingsDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The error workflow of every workflow without `settings.errorWorkflow`; null: none' })
  defaultErrorWorkflowId: string | null;

  @ApiProperty()
  updatedAt: string;
}

export class UpdateSettingsDto {
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'A workflow id, or null for no default error workflow', example: null })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsUUID('all')
  defaultErrorWorkflowId?: string | null;
}

export const toSettingsDto = (settings: InstanceSettings): SettingsDto => ({
  defaultErrorWorkflowId: settings.defaultErrorWorkflowId,
  updatedAt: new Date(settings.updatedAt).toISOString(),
});
