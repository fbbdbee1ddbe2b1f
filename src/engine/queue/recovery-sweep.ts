import { Logger } from '@nestjs/common';
import type { ExecutionsRepository } from '../../executions/executions.repository.js';
import type { QueuedExecution } from '../execution-queue.js';
import type { WaitDue } from './local-dispatcher.js';

const SWEEP_BATCH = 500;

/**
 * Postgres is the source of truth (docs/executions.md): every `intervalMs` this searches the database for
 * work nobody runs — PENDING executions never queued (the process died between commit and
 * enqueue) or lost from Redis, RUNNING ones whose lease expired, WAITING ones that are due — and
 * hands them on. It runs once at start-up too, so a restarted process picks up what it left.
 * WAITING ones due before the next pass go to `soon`, to be woken on time by a timer.
 */
export class RecoverySweep {
  private readonly logger = new Logger('ExecutionQueue');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly intervalMs: number,
    /** Receives what was found, minus what `isHere` says this process already holds. */
    private readonly found: (items: QueuedExecution[]) => Promise<void> | void,
    private readonly isHere: (id: string) => boolean,
    private readonly soon?: (waits: WaitDue[]) => void,
  ) {}

  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async sweep(): Promise<void> {
    // A slow database must not stack sweeps on top of each other.
    if (this.running) return;
    this.running = true;
    try {
      const rows = await this.executions.findRecoverable(SWEEP_BATCH);
      // Oldest first (ids are time-ordered UUID v7), whichever way each was lost.
      const fresh = rows
        .filter((row) => !this.isHere(row.id))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((row) => ({ id: row.id, workflowId: row.workflowId }));
      if (fresh.length) await this.found(fresh);
      if (this.soon) this.soon(await this.executions.findWaitingDueWithin(this.intervalMs * 2, SWEEP_BATCH));
    } catch (error) {
      this.logger.warn({ msg: `Sweep failed (retried in ${this.intervalMs} ms): ${(error as Error).message}` });
    } finally {
      this.running = false;
    }
  }
}
