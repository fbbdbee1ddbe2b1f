import { Module } from '@nestjs/common';
import { DaySummariesRepository } from './partitions/day-summaries.repository.js';
import { ExecutionPartitionsRepository } from './partitions/execution-partitions.repository.js';
import { ExecutionPartitionsService } from './partitions/execution-partitions.service.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

/** Daily partitions of the executions, created ahead, and the background removal of old ones (docs/retention-and-sizing.md). */
@Module({
  providers: [RetentionRepository, RetentionService, ExecutionPartitionsRepository, DaySummariesRepository, ExecutionPartitionsService],
  exports: [RetentionService, ExecutionPartitionsService, ExecutionPartitionsRepository],
})
export class RetentionModule {}
