import type { ErrorKind } from '../nodes/node-executor.js';

export const EXECUTION_STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const FINAL_STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'CANCELED'];

export const EXECUTION_MODES = ['webhook', 'manual', 'retry', 'resume', 'schedule', 'subworkflow', 'error'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export type NodeExecutionStatus = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'SKIPPED';

/** One node's record inside an execution (docs/executions.md). */
export interface NodeExecution {
  nodeId: string;
  nodeName: string;
  nodeType: string;
  status: NodeExecutionStatus;
  input: unknown;
  output: unknown;
  error: string | null;
  attempts: number;
  /** A node that may retry (retryOnFail): every failed try's error, in order; the last is also `error`. */
  attemptErrors?: string[];
  /** A FAILED node: whose fault it was, which decided its retries (docs/failure-handling.md); absent when the run was stopped. */
  errorKind?: ErrorKind;
  /** The output index a branching node took. */
  branch?: number | null;
  startedAt: string | null;
  completedAt: string | null;
  executionTime: number | null;
  /** A forEach node's elements (docs/lists-and-subworkflows.md), in element order. */
  elements?: ElementRecord[];
}

/** One element of a forEach node's run. */
export interface ElementRecord {
  index: number;
  /** CANCELED: stopped because another element failed the node (its sub-workflow child canceled). */
  status: 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED';
  attempts: number;
  /** As on a node record: every failed try's error when the node retries. */
  attemptErrors?: string[];
  output: unknown;
  error: string | null;
  /** As on a node record. */
  errorKind?: ErrorKind;
}

/** What a schedule trigger hands on (docs/nodes.md `schedule`): ISO times and the timetable's zone. */
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
