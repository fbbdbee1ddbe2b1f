import { Injectable, Logger } from '@nestjs/common';
import { TypedBus } from '../common/typed-bus.js';
import type { WebhookResponse } from '../nodes/node-executor.js';
import type { ExecutionMode } from './execution.types.js';

/**
 * The execution an event is about. Emitters pass the execution object they already hold (a claimed
 * execution, an inserted row), so an event costs no copy of it.
 */
export interface ExecutionRef {
  id: string;
  workflowId: string;
  mode: ExecutionMode;
  /** A sub-workflow's parent, and whether it waits for this execution (executeWorkflow). */
  parentExecutionId?: string | null;
  parentWaits?: boolean;
}

export interface NodeSettled {
  executionId: string;
  nodeName: string;
  nodeType: string;
  /** As recorded: SUCCESS, FAILED or WAITING. */
  status: string;
  /** The node's run, its retries included. */
  durationMs: number;
}

export interface Suspended {
  id: string;
  workflowId: string;
  /** When the wait ends, on this process's clock; null when something else ends it (a resume call, a child). */
  until: Date | null;
  /** The same as stored, on the database's clock (what a claim compares); null when it has none. */
  waitTill: Date | null;
}

export interface Finished {
  execution: ExecutionRef;
  status: 'COMPLETED' | 'FAILED';
  /** The output of the node that finished last (the `lastNode` answer). */
  output: unknown;
  error: string | null;
  /** From its first start to its final state. */
  durationMs: number;
  /** Stored already finished by the insert that created it (runBeforeCommit): nobody can have waited for it. */
  insertedFinished: boolean;
}

/**
 * What happens to executions in this process, kind by kind. Metrics, the HTTP requests waiting for
 * an execution (CompletionWaiters), the queue's wake timers, the error-workflow relay and
 * sub-workflow resumes subscribe; the engine and the executions service only emit, and import none
 * of them. docs/observability.md lists who listens to what.
 */
export interface ExecutionLifecycleEvents {
  /**
   * Stored new by this process (a known idempotency key's duplicate is not): a webhook, manual run,
   * retry, schedule firing, sub-workflow child or error workflow. Emitted once committed.
   */
  created: ExecutionRef;
  /** A run of this process took the execution up: claimed, inserted claimed, or run before its commit (reported once committed). */
  started: ExecutionRef;
  /** One node's run ended, retries included. */
  nodeSettled: NodeSettled;
  /** Parked WAITING; also emitted for a waiting parent that became due because its child ended. */
  suspended: Suspended;
  /** This process stored the execution's final state (COMPLETED or FAILED). */
  finished: Finished;
  /** This process's run ended but its final state was refused (canceled meanwhile, or taken over): the stored outcome is someone else's. */
  superseded: { id: string };
  /** A cancel was accepted here; the execution may run in this process or another, or not have started. */
  canceled: { id: string };
  /** A respondToWebhook node answered the caller waiting for the execution. */
  responded: { id: string; response: WebhookResponse };
}

/** The one bus of execution events in a process (TypedBus: synchronous, in subscription order, a throwing listener logged once per kind). */
@Injectable()
export class ExecutionLifecycle extends TypedBus<ExecutionLifecycleEvents> {
  constructor() {
    super(new Logger('ExecutionLifecycle'));
  }
}
