import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RetentionRepository } from './retention.repository.js';

/** Rows per DELETE: small enough that no statement holds locks or WAL for long. */
export const RETENTION_BATCH = 500;
/**
 * Executions with an idempotency key are kept at least this long, so that a sender redelivering an
 * event days later (Stripe retries for three days) still gets the original execution, not a second run.
 */
export const KEYED_MIN_RETENTION_DAYS = 4;
/** Pause between batches, so a large backlog does not monopolise a connection or the disk. */
const PAUSE_BETWEEN_BATCHES_MS = 20;

/**
 * Deletes ended executions older than EXECUTIONS_RETENTION_DAYS in the background (docs/executions.md), every
 * EXECUTIONS_RETENTION_INTERVAL_MS plus up to 10% random jitter so that replicas do not align. Runs
 * in the roles that execute (`all`, `worker`); several replicas at once are safe.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private current: Promise<number> | undefined;

  constructor(
    private readonly repository: RetentionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.scheduleNext();
  }

  /** One full pass: batch after batch until nothing is left to delete. Returns the rows deleted. */
  runOnce(): Promise<number> {
    this.current ??= this.pass().finally(() => (this.current = undefined));
    return this.current;
  }

  private async pass(): Promise<number> {
    const days = this.config.executionsRetentionDays;
    const keyedDays = Math.max(days, KEYED_MIN_RETENTION_DAYS);
    const started = Date.now();
    let total = 0;
    for (;;) {
      const deleted = await this.repository.deleteEnded(days, keyedDays, RETENTION_BATCH);
      total += deleted;
      if (deleted < RETENTION_BATCH || this.stopped) break;
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
    }
    if (total > 0) this.logger.log({ msg: `Deleted ${total} ended execution(s) older than ${days} day(s)`, deleted: total, retentionDays: days, durationMs: Date.now() - started });
    return total;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const interval = this.config.executionsRetentionIntervalMs;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((error: Error) => this.logger.warn({ msg: `Retention pass failed (retried next interval): ${error.message}` }))
        .finally(() => this.scheduleNext());
    }, interval + Math.floor(Math.random() * interval * 0.1));
    this.timer.unref();
  }

  /** SIGTERM: no new pass; a running one stops after its current batch, before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }
}
