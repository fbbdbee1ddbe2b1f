import type { ClaimedExecution } from '../executions/executions.repository.js';

/**
 * A free slot of this process for an execution its caller is about to insert already claimed
 * (RUNNING under this process's lease, attempt 1): no claim statement, no second row version.
 * Exactly one of `run` (once the insert is committed) or `release` (it was not) must follow.
 */
export interface RunSlot {
  /** The lease owner and lease length to insert the row with. */
  owner: string;
  leaseMs: number;
  run(claimed: ClaimedExecution): void;
  release(): void;
}

/** One execution to run; the id is enough, the rest lets the queue schedule without a query. */
export interface QueuedExecution {
  id: string;
  workflowId: string;
  /**
   * The version it runs, when the one queueing it knows: a claim then stores the records its run
   * commits before a first outside call right after the trigger (ExecutionsRepository.claimMany's
   * `firstCalls`). Absent: its run commits them itself.
   */
  workflowVersion?: number;
  /**
   * The execution's `concurrencyKey` when its workflow has a concurrency limit (docs/concurrency.md):
   * it is then claimed under that limit, database-wide. Absent or null: no limit.
   */
  concurrencyKey?: string | null;
  /**
   * False when nobody waits for its end in another process (no `lastNode`/`responseNode` caller, no
   * manual run): queue mode then publishes no completion news for it (docs/scaling.md). Absent: maybe
   * someone does, so the news goes out.
   */
  awaited?: boolean;
}

/**
 * The one queue the rest of the code calls: ingestion, manual runs, retries and resumes hand it
 * executions they have committed. Which implementation answers is chosen from the configuration
 * (src/engine/queue/execution-queue.provider.ts): in-process for a single server, BullMQ on Redis
 * in queue mode. Either way Postgres stays the source of truth, so a failed enqueue loses nothing:
 * the recovery sweep finds the execution.
 */
export abstract class ExecutionQueue {
  /** Hands committed executions on; never throws and never waits for them to run. */
  abstract enqueue(items: QueuedExecution[]): void;

  /**
   * A slot to run a new execution here at once, when this process runs executions, has one free
   * and nothing waits for one; otherwise undefined, and the execution is inserted PENDING and
   * enqueued as usual.
   */
  reserveRun(): RunSlot | undefined {
    return undefined;
  }

  /** Executions waiting in this process for a free slot (a metrics gauge). */
  abstract get depth(): number;
}

/**
 * The time by which running executions must be stopped and handed back at shutdown, so that the
 * process still exits within SHUTDOWN_GRACE_MS of the signal (docs/scaling.md): a quarter of the grace
 * period, at most 2 s, is kept for the release write and closing connections.
 */
export function drainDeadline(shutdownGraceMs: number, signalAt = Date.now()): number {
  return signalAt + shutdownGraceMs - Math.min(2000, Math.floor(shutdownGraceMs / 4));
}
