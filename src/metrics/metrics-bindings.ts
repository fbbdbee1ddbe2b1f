import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExecutionQueue } from '../engine/execution-queue.js';
import { ExecutionLifecycle } from '../executions/execution-lifecycle.js';
import { MetricsService } from './metrics.service.js';
import { PendingExecutionsRepository } from './pending-executions.repository.js';

/**
 * Connects the metrics to what they count: the execution lifecycle's events (no module calls the
 * metrics about executions), and at scrape time the queue's depth and the database's backlog.
 */
@Injectable()
export class MetricsBindings implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly pending: PendingExecutionsRepository,
    private readonly queue: ExecutionQueue,
    private readonly lifecycle: ExecutionLifecycle,
  ) {}

  onModuleInit(): void {
    const { metrics, lifecycle } = this;
    metrics.setBacklogSource({ queueDepth: () => this.queue.depth, pending: () => this.pending.read() });
    lifecycle.on('created', ({ mode }) => metrics.executionCreated(mode));
    lifecycle.on('started', ({ mode }) => metrics.executionStarted(mode));
    lifecycle.on('nodeSettled', ({ nodeType, status, durationMs }) => metrics.nodeFinished(nodeType, status, durationMs / 1000));
    lifecycle.on('finished', ({ status, durationMs }) => metrics.executionFinished(status, durationMs / 1000));
    // A cancel ends an execution wherever it runs (or before it runs): counted where it is accepted.
    lifecycle.on('canceled', () => metrics.executionFinished('CANCELED'));
  }
}
