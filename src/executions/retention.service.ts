import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DAY_MS, DEFAULT_PARTITION, ExecutionPartitionsRepository, type DroppedPartition } from './partitions/execution-partitions.repository.js';
import { ID_TIME_SLACK_MS } from './executions.repository.js';
import { DaySummariesRepository } from './partitions/day-summaries.repository.js';
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

/** What one retention pass removed. */
export interface RetentionPass {
  /** Executions deleted one by one, from the partitions that are not daily ones (default, legacy). */
  deleted: number;
  /** Daily partitions dropped whole. */
  dropped: DroppedPartition[];
  /** Unique keys (execution_keys) past their time. */
  keys: number;
  /** Daily partitions summarized for GET /executions/stats (DaySummariesRepository). */
  summarized: string[];
}

/**
 * Removes ended executions older than EXECUTIONS_RETENTION_DAYS in the background
 * (docs/retention-and-sizing.md): a daily partition whose every ended execution is past retention is
 * dropped whole, its executions that have not ended moved aside first; the default and legacy
 * partitions, which hold few rows or drain, are deleted from in small batches. Every
 * EXECUTIONS_RETENTION_INTERVAL_MS plus up to 10% random jitter so that replicas do not align. Runs
 * in the roles that execute (`all`, `worker`); several replicas at once are safe.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private current: Promise<RetentionPass> | undefined;

  constructor(
    private readonly repository: RetentionRepository,
    private readonly partitions: ExecutionPartitionsRepository,
    private readonly summaries: DaySummariesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.scheduleNext();
  }

  /** One full pass: every expired daily partition, then batch after batch until nothing is left to delete. */
  runOnce(): Promise<RetentionPass> {
    this.current ??= this.pass().finally(() => (this.current = undefined));
    return this.current;
  }

  private async pass(): Promise<RetentionPass> {
    const days = this.config.executionsRetentionDays;
    const keyedDays = Math.max(days, KEYED_MIN_RETENTION_DAYS);
    const started = Date.now();
    const cutoff = new Date(started - days * DAY_MS);
    const keyedCutoff = new Date(started - keyedDays * DAY_MS);
    const dropped: DroppedPartition[] = [];
    for (const partition of await this.partitions.dailyPartitions()) {
      if (this.stopped) break;
      // Only whole days past retention, and only when no ended execution in it is younger (an index lookup).
      if (partition.day + DAY_MS > cutoff.getTime() || !(await this.partitions.isExpired(partition.name, cutoff, keyedCutoff))) continue;
      const moved = await this.partitions.dropExpired(partition.name, cutoff, keyedCutoff);
      if (moved !== null) dropped.push({ ...partition, moved });
    }
    const rowWise = (await this.partitions.list()).filter((p) => p.name === DEFAULT_PARTITION || p.name === 'workflow_executions_legacy').map((p) => p.name);
    let deleted = 0;
    for (const partition of rowWise) deleted += await this.batches(() => this.repository.deleteEnded(partition, days, keyedDays, RETENTION_BATCH));
    const keys = await this.batches(() => this.repository.deleteKeys(keyedDays, RETENTION_BATCH));
    const summarized = await this.summarizeClosedDays();
    if (deleted > 0 || dropped.length > 0) {
      this.logger.log({
        msg: `Removed ${dropped.length} daily partition(s) and ${deleted} ended execution(s) older than ${days} day(s)`,
        dropped: dropped.map((p) => p.name),
        moved: dropped.reduce((sum, p) => sum + p.moved, 0),
        deleted,
        keys,
        retentionDays: days,
        durationMs: Date.now() - started,
      });
    }
    return { deleted, dropped, keys, summarized };
  }

  /**
   * Summarizes the closed days not summarized yet: those whose end is more than the clock slack of
   * an id behind `now` (no execution made later carries their time), once all their executions have
   * ended. Part of every pass; `now` is a parameter for the test of that grace.
   */
  async summarizeClosedDays(now = Date.now()): Promise<string[]> {
    const closedBefore = now - ID_TIME_SLACK_MS - DAY_MS;
    const closed = (await this.partitions.dailyPartitions()).filter((partition) => partition.day <= closedBefore);
    if (!closed.length) return [];
    const done = await this.summaries.summarizedDays(closed[0].day, closed.at(-1)!.day);
    const summarized: string[] = [];
    for (const partition of closed) {
      if (this.stopped) break;
      if (!done.has(partition.day) && (await this.summaries.summarize(partition))) summarized.push(partition.name);
    }
    if (summarized.length) this.logger.log({ msg: `Summarized ${summarized.length} closed day(s) for the execution stats`, summarized });
    return summarized;
  }

  private async batches(deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < RETENTION_BATCH || this.stopped) return total;
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
    }
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
