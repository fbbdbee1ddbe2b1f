import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import type { ExecutionsRepository } from '../../executions/executions.repository.js';
import type { ShutdownState } from '../../common/shutdown-state.js';
import type { ExecutionLifecycle } from '../../executions/execution-lifecycle.js';
import type { ConcurrencyRepository } from '../concurrency/concurrency.repository.js';
import type { ExecutionEngine } from '../execution-engine.js';
import { drainDeadline, ExecutionQueue, type QueuedExecution, type RunSlot } from '../execution-queue.js';
import { LocalDispatcher } from './local-dispatcher.js';
import { RecoverySweep } from './recovery-sweep.js';

/**
 * The single-server queue: executions run in this process, in arrival order, and the sweep finds
 * whatever was committed but never queued here (a crash between commit and enqueue, a restart).
 */
export class InProcessExecutionQueue extends ExecutionQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly dispatcher: LocalDispatcher;
  private readonly sweep: RecoverySweep;

  constructor(
    engine: ExecutionEngine,
    executions: ExecutionsRepository,
    private readonly shutdown: ShutdownState,
    private readonly config: AppConfig,
    concurrency: ConcurrencyRepository,
    lifecycle: ExecutionLifecycle,
  ) {
    super();
    this.dispatcher = new LocalDispatcher(engine, executions, {
      concurrency: config.executionConcurrency,
      leaseMs: config.executionLeaseMs,
      wakeWithinMs: config.executionSweepIntervalMs * 2,
      limitedPollMs: config.executionSweepIntervalMs,
    }, concurrency, lifecycle);
    this.sweep = new RecoverySweep(executions, config.executionSweepIntervalMs, (items) => this.dispatcher.submit(items, { first: true }), (id) => this.dispatcher.has(id), (waits) => this.dispatcher.wakeSoon(waits));
  }

  onApplicationBootstrap(): void {
    this.dispatcher.start();
    this.sweep.start();
  }

  get depth(): number {
    return this.dispatcher.depth;
  }

  enqueue(items: QueuedExecution[]): void {
    this.dispatcher.submit(items);
  }

  override reserveRun(): RunSlot | undefined {
    return this.dispatcher.reserveRun();
  }

  /** SIGTERM: stop taking work, let running executions finish within the grace period, release the rest. */
  async beforeApplicationShutdown(): Promise<void> {
    this.sweep.stop();
    await this.dispatcher.drain(drainDeadline(this.config.shutdownGraceMs, this.shutdown.startedAt));
  }
}
