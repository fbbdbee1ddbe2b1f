import { Logger } from '@nestjs/common';
import type { ClaimedExecution } from '../../executions/executions.repository.js';
import type { QueuedExecution } from '../execution-queue.js';
import type { ConcurrencyRepository } from './concurrency.repository.js';

/** Keys looked at per poll. */
const POLL_BATCH = 500;

/**
 * The dispatcher's side of concurrency limits (docs/concurrency.md). A queued item with a
 * `concurrencyKey` is news that its key has work: claiming it starts the key's oldest PENDING
 * execution if the key has room database-wide, and otherwise claims nothing, so the slot goes to
 * other work at once (the execution stays PENDING; no slot waits on a full key). When a limited run
 * ends or parks at a wait, the process it ran in queues news of its key again, behind what already
 * waits there, so the next PENDING execution of the key starts as soon as a slot here is free. A
 * poll every `pollMs` starts what that missed (the process crashed, or its database write failed).
 */
export class LimitedClaims {
  private readonly logger = new Logger('Concurrency');
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly concurrency: ConcurrencyRepository,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {}

  /** Limited items carry their key; everything else takes the usual claim. */
  static isLimited(item: QueuedExecution): item is QueuedExecution & { concurrencyKey: string } {
    return typeof item.concurrencyKey === 'string';
  }

  claim(item: QueuedExecution & { concurrencyKey: string }): Promise<ClaimedExecution | null> {
    return this.concurrency.claimNext(item.workflowId, item.concurrencyKey, this.owner, this.leaseMs);
  }

  /** The news to queue once `claimed` no longer counts against its key (ended, parked, or handed back); none for unlimited runs. */
  afterRun(claimed: ClaimedExecution): QueuedExecution | undefined {
    if (typeof claimed.concurrencyKey !== 'string') return undefined;
    return { id: claimed.id, workflowId: claimed.workflowId, concurrencyKey: claimed.concurrencyKey };
  }

  startPolling(pollMs: number, submit: (items: QueuedExecution[]) => void): void {
    this.timer = setInterval(() => void this.poll(submit), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(submit: (items: QueuedExecution[]) => void): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const startable = await this.concurrency.findStartable(POLL_BATCH);
      if (startable.length) submit(startable);
    } catch (error) {
      this.logger.warn({ msg: `Could not look for limited executions to start (retried at the next poll): ${(error as Error).message}` });
    } finally {
      this.polling = false;
    }
  }
}
