export const EXECUTION_STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const FINAL_STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'CANCELED'];

export const EXECUTION_MODES = ['webhook', 'manual', 'retry', 'resume', 'schedule', 'subworkflow'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export type NodeExecutionStatus = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'SKIPPED';

/** One node's record inside an execution (SPEC §4, §8.3). */
export interface NodeExecution {
  nodeId: string;
  nodeName: string;
  nodeType: string;
  status: NodeExecutionStatus;
  input: unknown;
  output: unknown;
  error: string | null;
  attempts: number;
  /** The output index a branching node took. */
  branch?: number | null;
  startedAt: string | null;
  completedAt: string | null;
  executionTime: number | null;
  /** A forEach node's elements (SPEC §7.10), in element order. */
  elements?: ElementRecord[];
}

/** One element of a forEach node's run. */
export interface ElementRecord {
  index: number;
  status: 'RUNNING' | 'SUCCESS' | 'FAILED';
  attempts: number;
  output: unknown;
  error: string | null;
}

/** What a schedule trigger hands on (SPEC §6 `schedule`): ISO times and the timetable's zone. */
export interface ScheduleTriggerData {
  scheduledFor: string;
  firedAt: string;
  timezone: string;
}

/** What the trigger node saw: secret headers already redacted. */
export interface TriggerData {
  body: unknown;
  headers: Record<string, string>;
  query: Record<string, unknown>;
  method: string;
  receivedAt: string;
}
