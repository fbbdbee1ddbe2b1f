import { Injectable } from '@nestjs/common';
import { ExecutionsRepository } from '../executions/executions.repository.js';
import type { ExecutionStatus, NodeExecution } from '../executions/execution.types.js';
import { FINAL_STATUSES } from '../executions/execution.types.js';

export interface ExecutionOutcome {
  status: ExecutionStatus;
  /** Output of the last node that ran. */
  output: unknown;
  error: string | null;
}

/** How often a waiter re-reads the database in case the execution ran in another process. */
const POLL_INTERVAL_MS = 1000;

/**
 * Lets an HTTP request wait for an execution's end (`lastNode`, manual runs). The engine notifies
 * in-process at once; a slow poll covers executions finished by another replica.
 */
@Injectable()
export class CompletionWaiters {
  private readonly waiters = new Map<string, Set<(outcome: ExecutionOutcome) => void>>();

  constructor(private readonly executions: ExecutionsRepository) {}

  notify(id: string, outcome: ExecutionOutcome): void {
    const listeners = this.waiters.get(id);
    if (!listeners) return;
    this.waiters.delete(id);
    for (const listener of listeners) listener(outcome);
  }

  /** Resolves with the outcome, or undefined when `timeoutMs` passes first. */
  wait(id: string, timeoutMs: number): Promise<ExecutionOutcome | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      const listeners = this.waiters.get(id) ?? new Set();
      const finish = (outcome: ExecutionOutcome | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearInterval(poll);
        listeners.delete(listener);
        if (listeners.size === 0 && this.waiters.get(id) === listeners) this.waiters.delete(id);
        resolve(outcome);
      };
      const listener = (outcome: ExecutionOutcome) => finish(outcome);
      listeners.add(listener);
      this.waiters.set(id, listeners);
      const deadline = setTimeout(() => finish(undefined), timeoutMs);
      const poll = setInterval(() => {
        this.readOutcome(id)
          .then((outcome) => outcome && finish(outcome))
          .catch(() => undefined);
      }, POLL_INTERVAL_MS);
    });
  }

  /**
   * The `lastNode` answer (SPEC §7.6.6), shared by webhooks and manual runs: 200 with the last
   * node's output, 500 on failure, 202 with the current status when the wait timed out.
   */
  async answer(executionId: string, outcome: ExecutionOutcome | undefined): Promise<{ status: number; body: unknown }> {
    if (!outcome) {
      const status = (await this.executions.findStatus(executionId).catch(() => undefined)) ?? 'RUNNING';
      return { status: 202, body: { executionId, status } };
    }
    if (outcome.status === 'COMPLETED') return { status: 200, body: outcome.output ?? null };
    return { status: 500, body: { executionId, status: outcome.status, error: outcome.error } };
  }

  async readOutcome(id: string): Promise<ExecutionOutcome | undefined> {
    const execution = await this.executions.findById(id);
    if (!execution || !FINAL_STATUSES.includes(execution.status)) return undefined;
    return { status: execution.status, output: lastOutput(execution.nodeExecutions), error: execution.error };
  }
}

function lastOutput(records: NodeExecution[]): unknown {
  let last: NodeExecution | undefined;
  for (const record of records) {
    if (!record.completedAt || (record.status !== 'SUCCESS' && record.status !== 'FAILED')) continue;
    if (!last || record.completedAt >= last.completedAt!) last = record;
  }
  return last?.output ?? null;
}
