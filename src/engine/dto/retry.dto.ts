import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class RetryExecutionDto {
  @ApiPropertyOptional({ enum: ['failedNode', 'start'], default: 'failedNode', description: 'failedNode reuses the successful nodes\' outputs and starts at the failed node' })
  @IsOptional()
  @IsIn(['failedNode', 'start'])
  from?: 'failedNode' | 'start';

  @ApiPropertyOptional({ enum: ['original', 'current'], default: 'original', description: 'Run the version the execution ran, or the workflow as it is now' })
  @IsOptional()
  @IsIn(['original', 'current'])
  workflowVersion?: 'original' | 'current';
}

export class BulkRetryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this workflow\'s executions (members: only their own workflows\' in any case)' })
  @IsOptional()
  @IsUUID('all')
  workflowId?: string;

  @ApiProperty({ enum: ['FAILED', 'CANCELED'] })
  @IsIn(['FAILED', 'CANCELED'])
  status: 'FAILED' | 'CANCELED';

  @ApiPropertyOptional({ format: 'date-time', description: 'Executions started at or after this time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Executions started at or before this time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ enum: ['failedNode', 'start'], default: 'failedNode', description: 'As `from` of a single retry: reuse the successful nodes\' outputs, or run everything again' })
  @IsOptional()
  @IsIn(['failedNode', 'start'])
  start?: 'failedNode' | 'start';
}

export class BulkRetryResultDto {
  @ApiProperty({ description: 'How many retries were created' })
  count: number;

  @ApiProperty({ type: [String], description: 'The new executions (mode retry), in the order their originals were picked: newest first' })
  executionIds: string[];
}
