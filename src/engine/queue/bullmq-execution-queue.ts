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
import { LocalDispatcher } from './local-dispatcher.js';
import { RecoverySweep } from './recovery-sweep.js';
import { createRedis, quietWarner, withTimeout } from '../../redis/redis-connection.js';

export const EXECUTIONS_QUEUE = 'executions';
/** An enqueue that Redis does not confirm in this time is left to the sweep. */
const ADD_TIMEOUT_MS = 2000;
/** A job whose claim failed (database down) is tried again after this. */
const CLAIM_RETRY_MS = 1000;

/**
 * Queue mode (docs/scaling.md): executions travel through BullMQ on Redis, one job per execution with the
 * execution id as job id, so duplicate enqueues (a redelivery, the sweep) collapse. Any role
 * enqueues; `worker` and `all` also consume, at most EXECUTION_CONCURRENCY at once, claiming each
 * execution in Postgres before running it. Redis only carries the news: a job whose execution is
 * not claimable is simply acknowledged, and what Redis loses (a restart without persistence, a
 * crash between commit and enqueue) the workers' sweep finds in Postgres and queues again.
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
  ) {
    super();
    this.producerConnection = createRedis(config.redisUrl!, 'producer', { failFast: true });
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
      }, concurrency, lifecycle);
    }
  }

  onApplicationBootstrap(): void {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return;
    dispatcher.start();
    this.workerConnection = createRedis(this.config.redisUrl!, 'worker', { failFast: false });
    this.worker = new Worker<QueuedExecution>(EXECUTIONS_QUEUE, (job, token) => this.process(dispatcher, job, token), {
      connection: this.workerConnection,
      prefix: this.config.redisPrefix,
      concurrency: this.config.executionConcurrency,
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

  /** A worker (or `all`) with a free slot runs a fresh execution itself, without a trip through Redis. */
  override reserveRun(): RunSlot | undefined {
    return this.dispatcher?.reserveRun();
  }

  enqueue(items: QueuedExecution[]): void {
    // A failed add is logged by `add`; the execution is committed and the sweep will find it.
    for (const item of items) this.adds.submit(item).catch(() => undefined);
  }

  private async add(items: QueuedExecution[]): Promise<void> {
    try {
      await withTimeout(
        this.producer.addBulk(items.map(({ id, workflowId, concurrencyKey }) => ({ name: 'run', data: { id, workflowId, concurrencyKey }, opts: { jobId: id } }))),
        ADD_TIMEOUT_MS,
        'addBulk',
      );
      this.warn.recovered('Enqueues to Redis work again');
    } catch (error) {
      this.warn(`Could not queue ${items.length} execution(s) in Redis (a worker's sweep will run them): ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * What the sweep found goes back through Redis so that every worker shares it; while Redis is
   * unreachable this process runs it itself rather than let it wait.
   */
  private async requeue(dispatcher: LocalDispatcher, items: QueuedExecution[]): Promise<void> {
    try {
      await this.add(items);
    } catch {
      dispatcher.submit(items, { first: true });
    }
  }

  private async process(dispatcher: LocalDispatcher, job: Job<QueuedExecution>, token: string | undefined): Promise<void> {
    const item = job.data;
    // A limited execution whose key is full is not claimed ('not-claimable'): the job ends at once and
    // frees its slot; the execution stays PENDING until a run of its key ends (LimitedClaims).
    const outcome = await dispatcher.run(item);
    if (outcome === 'released') {
      // Shutting down with the execution unfinished: its lease is released, so the next worker
      // to take the job resumes it at once.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (outcome === 'claim-failed') {
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
    // The processors settle right after the drain, and with them the worker's close.
    // Bounded: with Redis unreachable a close would wait for a reconnect that may never come.
    await withTimeout(Promise.resolve(workerClosed), 1000, 'closing the worker').catch(() => void this.worker?.close(true).catch(() => undefined));
    await withTimeout(this.producer.close(), 500, 'closing the queue').catch(() => undefined);
    for (const connection of [this.workerConnection, this.producerConnection]) connection?.disconnect();
  }
}
