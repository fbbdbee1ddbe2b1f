import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

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
