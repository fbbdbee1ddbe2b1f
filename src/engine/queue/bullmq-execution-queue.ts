import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Batcher } from '../../common/batcher.js';
import type { AppConfig } from '../../config/app-config.js';
import type { ExecutionsRepository } from '../../executions/executions.repository.js';
import type { ShutdownState } from '../../common/shutdown-state.js';
import type { ExecutionLifecycle } from '../../executions/execution-lifecycle.js';
import type { ConcurrencyRepository } from '../concurrency/concurrency.repository.js';
import type { ExecutionEngine } from '../execution-engine.js';
import { drainDeadline, ExecutionQueue, type QueuedExecution, type RunSlot } from '../execution-queue.js';
import { LocalDispatcher, type ClaimOutcome } from './local-dispatcher.js';
import type { RedisCompletionRelay } from './redis-completion-relay.js';
import { RecoverySweep } from './recovery-sweep.js';
import { createRedis, quietWarner, withTimeout } from '../../redis/redis-connection.js';

export const EXECUTIONS_QUEUE = 'executions';
/** An enqueue that Redis does not confirm in this time is left to the sweep. */
const ADD_TIMEOUT_MS = 2000;
/** A job whose claim failed (database down) is tried again after this. */
const CLAIM_RETRY_MS = 1000;
/** Executions per job at most: a burst's enqueues travel in a few jobs, which several workers can share. */
export const JOB_SIZE = 100;
/** The job name; its data is a BatchJob. */
const BATCH_JOB = 'batch';

/** A job's data: the executions it carries. */
export interface BatchJob {
  executions: QueuedExecution[];
}

/**
 * Jobs a worker holds at once: enough to keep EXECUTION_CONCURRENCY busy with jobs of JOB_SIZE,
 * few enough that a busy worker does not sit on work another one could take.
 */
export function jobSlots(executionConcurrency: number): number {
  return Math.min(8, Math.max(2, Math.ceil(executionConcurrency / 64)));
}

/**
 * Queue mode (docs/scaling.md): executions travel through BullMQ on Redis in batches: what the api
 * enqueues together (a burst of webhooks) goes out in one addBulk of jobs of up to JOB_SIZE
 * executions each. Any role enqueues; `worker` and `all` also consume, at most EXECUTION_CONCURRENCY
 * executions at once, claiming a job's executions in Postgres (one UPDATE for all that fit) before
 * running them. A job is done once its executions are claimed: from then on their Postgres leases
 * keep them safe, as on a single server, so a job costs a few Redis commands whatever it carries and
 * however long its executions run. Redis only carries the news: an execution that is not claimable
 * is simply passed over, a job of a worker that died goes back to the queue when its lock expires
 * (what the dead worker had claimed is then taken over when its leases expire), and what Redis loses
 * (a restart without persistence, a crash between commit and enqueue) the workers' sweep finds in
 * Postgres and queues again.
 */
export class BullmqExecutionQueue extends ExecutionQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ExecutionQueue');
  private readonly warn = quietWarner(this.logger);
  private readonly producerConnection: Redis;
  private readonly producer: Queue;
  private readonly adds: Batcher<QueuedExecution, void>;
  /** Present on the roles that execute. */
  private readonly dispatcher: LocalDispatcher | undefined;
  private workerConnection: Redis | undefined;
  private worker: Worker | undefined;
  private sweep: RecoverySweep | undefined;

  constructor(
    engine: ExecutionEngine,
    private readonly executions: ExecutionsRepository,
    private readonly shutdown: ShutdownState,
    private readonly config: AppConfig,
    concurrency: ConcurrencyRepository,
    lifecycle: ExecutionLifecycle,
    /** The completion relay of this process (completionRelayProvider): news of executions nobody awaits is not published. */
    private readonly relay: RedisCompletionRelay,
  ) {
    super();
    this.producerConnection = createRedis(config.redisUrl!, 'producer', { failFast: true });
    const unawaited = relay.unawaited;
    this.producer = new Queue(EXECUTIONS_QUEUE, {
      connection: this.producerConnection,
      prefix: config.redisPrefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    this.producer.on('error', (error) => this.warn(`Execution queue: ${error.message}`));
    // Enqueues arriving together (a burst of webhooks) share one addBulk.
    this.adds = new Batcher<QueuedExecution, void>(async (items) => {
      await this.add(items);
      return items.map(() => undefined);
    }, 1000);
    if (config.appRole !== 'api') {
      this.dispatcher = new LocalDispatcher(engine, executions, {
        concurrency: config.executionConcurrency,
        leaseMs: config.executionLeaseMs,
        wakeWithinMs: config.executionSweepIntervalMs * 2,
        limitedPollMs: config.executionSweepIntervalMs,
        onLeft: (id) => unawaited.delete(id),
      }, concurrency, lifecycle);
    }
  }

  onApplicationBootstrap(): void {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return;
    dispatcher.start();
    this.workerConnection = createRedis(this.config.redisUrl!, 'worker', { failFast: false });
    this.worker = new Worker<BatchJob | QueuedExecution>(EXECUTIONS_QUEUE, (job, token) => this.process(dispatcher, job, token), {
      connection: this.workerConnection,
      prefix: this.config.redisPrefix,
      concurrency: jobSlots(this.config.executionConcurrency),
      // A dead worker's jobs go back to the queue about when its Postgres leases expire.
      lockDuration: this.config.executionLeaseMs,
      stalledInterval: Math.min(this.config.executionLeaseMs, this.config.executionSweepIntervalMs),
      // Stalls only ever re-deliver: Postgres decides who runs, so there is no reason to give up.
      maxStalledCount: 1000,
    });
    this.worker.on('error', (error) => this.warn(`Execution worker: ${error.message}`));
    this.sweep = new RecoverySweep(this.executions, this.config.executionSweepIntervalMs, (items) => this.requeue(dispatcher, items), (id) => dispatcher.has(id), (waits) => dispatcher.wakeSoon(waits));
    this.sweep.start();
  }

  get depth(): number {
    return this.dispatcher?.depth ?? 0;
  }

  /**
   * A worker (or `all`) with a free slot runs a fresh execution itself, without a trip through Redis;
   * whoever waits for it waits in this process, so its end is not published.
   */
  override reserveRun(): RunSlot | undefined {
    const slot = this.dispatcher?.reserveRun();
    if (!slot) return undefined;
    return {
      ...slot,
      run: (claimed) => {
        this.relay.unawaited.add(claimed.id);
        slot.run(claimed);
      },
    };
  }

  enqueue(items: QueuedExecution[]): void {
    // A failed add is logged by `add`; the execution is committed and the sweep will find it.
    for (const item of items) this.adds.submit(item).catch(() => undefined);
  }

  private async add(items: QueuedExecution[]): Promise<void> {
    const jobs: Array<{ name: string; data: BatchJob }> = [];
    for (let start = 0; start < items.length; start += JOB_SIZE) {
      const executions = items.slice(start, start + JOB_SIZE).map(({ id, workflowId, workflowVersion, concurrencyKey, awaited }) => ({ id, workflowId, workflowVersion, concurrencyKey, awaited }));
      jobs.push({ name: BATCH_JOB, data: { executions } });
    }
    try {
      // One job is one script call; addBulk wraps even one in MULTI … EXEC (two commands more).
      await withTimeout(jobs.length === 1 ? this.producer.add(jobs[0].name, jobs[0].data).then(() => undefined) : this.producer.addBulk(jobs).then(() => undefined), ADD_TIMEOUT_MS, 'addBulk');
      this.warn.recovered('Enqueues to Redis work again');
    } catch (error) {
      this.warn(`Could not queue ${items.length} execution(s) in Redis (a worker's sweep will run them): ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * What the sweep found goes back through Redis so that every worker shares it; while Redis is
   * unreachable this process runs it itself rather than let it wait. Whether someone waits for
   * these is not known here: their ends are published.
   */
  private async requeue(dispatcher: LocalDispatcher, items: QueuedExecution[]): Promise<void> {
    try {
      await this.add(items.map(({ id, workflowId }) => ({ id, workflowId })));
    } catch {
      dispatcher.submit(items, { first: true });
    }
  }

  /**
   * One job: its executions are queued here together (so that those that fit claim in one
   * statement), and the job is done once each is claimed or passed over; it does not wait for
   * their runs. A limited execution whose key is full is not claimed ('not-claimable'): it stays
   * PENDING until a run of its key ends (LimitedClaims).
   */
  private async process(dispatcher: LocalDispatcher, job: Job<BatchJob | QueuedExecution>, token: string | undefined): Promise<void> {
    // A job queued by an earlier version carries one execution.
    const queued = 'executions' in job.data ? job.data.executions : [{ id: job.data.id, workflowId: job.data.workflowId, concurrencyKey: job.data.concurrencyKey }];
    // A job a worker died (or stalled) holding: its executions are claimed, whatever their workflow,
    // so that a run that ends its process every time is counted and given up (MAX_LOST_RUNS) rather
    // than run again without a claim (ExecutionEngine.runUnclaimed) on each delivery.
    const items = job.stalledCounter > 0 ? queued.map(({ workflowVersion: _unused, ...item }) => item) : queued;
    for (const item of items) if (item.awaited === false && !dispatcher.has(item.id)) this.relay.unawaited.add(item.id);
    const outcomes = await Promise.all(items.map((item) => new Promise<ClaimOutcome>((claimed) => void dispatcher.run(item, false, undefined, claimed))));
    if (outcomes.includes('released')) {
      // Shutting down with executions not started: the next worker to take the job runs them (those
      // this one started are not claimable by then, or their leases were handed back).
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (outcomes.includes('claim-failed')) {
      await job.moveToDelayed(Date.now() + CLAIM_RETRY_MS, token);
      throw new DelayedError();
    }
  }

  /**
   * SIGTERM: stop fetching jobs, let running executions finish within the grace period, release
   * the rest (their jobs go back to the queue), then close the connections.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = drainDeadline(this.config.shutdownGraceMs, this.shutdown.startedAt);
    this.sweep?.stop();
    const workerClosed = this.worker?.close().catch((error: Error) => this.logger.warn(`Closing the execution worker: ${error.message}`));
    await this.dispatcher?.drain(deadline);
    // Runs stopped by the drain had their jobs done long ago: their leases are handed back, and a
    // job of their own lets another worker resume them at once rather than at its next sweep.
    // Sent while the worker closes: the grace period's last moments are short.
    const released = this.dispatcher?.releasedItems ?? [];
    const requeued = released.length ? withTimeout(this.add(released), 500, 'queueing released executions').catch(() => undefined) : undefined;
    // The processors settle right after the drain, and with them the worker's close.
    // Bounded: with Redis unreachable a close would wait for a reconnect that may never come.
    await withTimeout(Promise.resolve(workerClosed), 1000, 'closing the worker').catch(() => void this.worker?.close(true).catch(() => undefined));
    await requeued;
    await withTimeout(this.producer.close(), 500, 'closing the queue').catch(() => undefined);
    for (const connection of [this.workerConnection, this.producerConnection]) connection?.disconnect();
  }
}
