import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ExecutionsRepository } from '../executions/executions.repository.js';
import { ExecutionEngine, SHUTDOWN } from './execution-engine.js';

export interface QueuedExecution {
  id: string;
  workflowId: string;
  /** The workflow's `settings.concurrency`, when the caller knows it. */
  concurrency?: number;
}

/** How often the database is searched for PENDING work nobody runs and for expired leases. */
const SWEEP_INTERVAL_MS = 5000;
const SWEEP_BATCH = 500;

/**
 * The in-process queue of the single-server modes: executions are claimed in arrival order, in
 * batches (one statement for many), at most EXECUTION_CONCURRENCY at once and at most
 * `settings.concurrency` per workflow; the rest wait as PENDING. Postgres stays the source of
 * truth: the sweep finds whatever was committed but never queued here.
 */
@Injectable()
export class ExecutionQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ExecutionQueue');
  private readonly waiting: QueuedExecution[] = [];
  private readonly known = new Set<string>();
  private readonly runningPerWorkflow = new Map<string, number>();
  private readonly limits = new Map<string, number>();
  private reserved = 0;
  private claiming = false;
  private stopped = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: ExecutionEngine,
    private readonly executions: ExecutionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    void this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(1000, Math.floor(this.config.executionLeaseMs / 3)));
    this.sweepTimer.unref();
    this.leaseTimer.unref();
  }

  get depth(): number {
    return this.waiting.length;
  }

  enqueue(items: QueuedExecution[]): void {
    for (const item of items) {
      if (this.known.has(item.id)) continue;
      this.known.add(item.id);
      if (item.concurrency) this.limits.set(item.workflowId, item.concurrency);
      this.waiting.push(item);
    }
    this.dispatch();
  }

  private dispatch(): void {
    if (this.claiming || this.stopped) return;
    const capacity = this.config.executionConcurrency - this.reserved;
    if (capacity <= 0 || this.waiting.length === 0) return;
    const batch: QueuedExecution[] = [];
    for (let i = 0; i < this.waiting.length && batch.length < capacity; ) {
      const item = this.waiting[i];
      const limit = this.limits.get(item.workflowId);
      const running = this.runningPerWorkflow.get(item.workflowId) ?? 0;
      if (limit !== undefined && running >= limit) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.runningPerWorkflow.set(item.workflowId, running + 1);
      batch.push(item);
    }
    if (!batch.length) return;
    this.reserved += batch.length;
    this.claiming = true;
    void this.claimAndRun(batch);
  }

  private async claimAndRun(batch: QueuedExecution[]): Promise<void> {
    let claimed: Awaited<ReturnType<ExecutionsRepository['claimMany']>> = [];
    try {
      claimed = await this.executions.claimMany(
        batch.map((item) => item.id),
        this.engine.workerId,
        this.config.executionLeaseMs,
      );
    } catch (error) {
      this.logger.warn(`Could not claim executions (will retry on the next sweep): ${(error as Error).message}`);
    } finally {
      this.claiming = false;
    }
    const claimedIds = new Set(claimed.map((execution) => execution.id));
    // Not claimable any more (finished, canceled, or another worker has it): forget them.
    for (const item of batch) if (!claimedIds.has(item.id)) this.release(item);
    for (const execution of claimed) {
      const item = batch.find((candidate) => candidate.id === execution.id)!;
      void this.engine.executeWorkflow(execution).finally(() => this.release(item));
    }
    this.dispatch();
  }

  private release(item: QueuedExecution): void {
    this.reserved--;
    this.known.delete(item.id);
    const running = (this.runningPerWorkflow.get(item.workflowId) ?? 1) - 1;
    if (running > 0) this.runningPerWorkflow.set(item.workflowId, running);
    else this.runningPerWorkflow.delete(item.workflowId);
    this.dispatch();
  }

  /** Limits learnt from a workflow version (recovered executions carry none). */
  setLimit(workflowId: string, concurrency: number | undefined): void {
    if (concurrency) this.limits.set(workflowId, concurrency);
    else this.limits.delete(workflowId);
  }

  private async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      const found = await this.executions.findRecoverable(SWEEP_BATCH);
      const fresh = found.filter((row) => !this.known.has(row.id));
      if (fresh.length) this.enqueue(fresh.map((row) => ({ id: row.id, workflowId: row.workflowId })));
    } catch (error) {
      this.logger.warn(`Sweep failed: ${(error as Error).message}`);
    }
  }

  private async renewLeases(): Promise<void> {
    const ids = this.engine.activeIds;
    if (!ids.length) return;
    try {
      const kept = await this.executions.renewLeases(ids, this.engine.workerId, this.config.executionLeaseMs);
      // A lease this process lost belongs to someone else now: stop writing it (fencing does the rest).
      for (const id of ids) if (!kept.has(id)) this.engine.abort(id, new Error('Lease lost'));
    } catch (error) {
      this.logger.warn(`Lease renewal failed: ${(error as Error).message}`);
    }
  }

  /** SIGTERM: stop taking work, let running executions finish within the grace period, release the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.leaseTimer);
    const deadline = Date.now() + this.config.shutdownGraceMs;
    while (this.engine.activeCount > 0 && Date.now() < deadline) await sleep(50);
    if (this.engine.activeCount === 0) return;
    const left = this.engine.activeIds;
    this.engine.abortAll(SHUTDOWN);
    await this.executions.releaseLeases(left, this.engine.workerId).catch((error: Error) => this.logger.warn(`Could not release leases: ${error.message}`));
    this.logger.log(`Released ${left.length} unfinished execution(s) to other workers`);
  }
}
