import { InitialSchema1795767737750 } from './1795767737750-InitialSchema.js';
import { ExecutionWaiting1795768829585 } from './1795768829585-ExecutionWaiting.js';
import { ExecutionRetentionIndex1795769076173 } from './1795769076173-ExecutionRetentionIndex.js';
import { ExecutionLostRuns1796299771187 } from './1796299771187-ExecutionLostRuns.js';
import { FailureHandling1796300000000 } from './1796300000000-FailureHandling.js';
import { WorkflowSchedules1796310000000 } from './1796310000000-WorkflowSchedules.js';
import { ExecutionTraceContext1796320000000 } from './1796320000000-ExecutionTraceContext.js';
import { Subworkflows1796330000000 } from './1796330000000-Subworkflows.js';
import { ExecutionConcurrency1796340000000 } from './1796340000000-ExecutionConcurrency.js';
import { ExecutionWaitedTime1796341000000 } from './1796341000000-ExecutionWaitedTime.js';
import { PartitionedExecutions1796350000000 } from './1796350000000-PartitionedExecutions.js';
import { ExecutionStats1796360000000 } from './1796360000000-ExecutionStats.js';
import { ExecutionDaySummaries1796380000000 } from './1796380000000-ExecutionDaySummaries.js';
import { UnfinishedExecutionCheck1796390000000 } from './1796390000000-UnfinishedExecutionCheck.js';

/** Every migration, oldest first. Listed as classes: globs break under vitest and in dist. */
export const MIGRATIONS: Function[] = [
  InitialSchema1795767737750,
  ExecutionWaiting1795768829585,
  ExecutionRetentionIndex1795769076173,
  ExecutionLostRuns1796299771187,
  FailureHandling1796300000000,
  WorkflowSchedules1796310000000,
  ExecutionTraceContext1796320000000,
  Subworkflows1796330000000,
  ExecutionConcurrency1796340000000,
  ExecutionWaitedTime1796341000000,
  PartitionedExecutions1796350000000,
  ExecutionStats1796360000000,
  ExecutionDaySummaries1796380000000,
  UnfinishedExecutionCheck1796390000000,
];
