import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ExecutionQueue } from '../engine/execution-queue.js';
import { ExecutionEvents } from '../executions/execution-events.js';
import { MetricsService } from './metrics.service.js';
import { PendingExecutionsRepository } from './pending-executions.repository.js';

/**
 * Connects the metrics to the modules that own the numbers, looked up at start-up so that the
 * global metrics module imports none of them (they all inject MetricsService).
 */
@Injectable()
export class MetricsBindings implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: MetricsService,
    private readonly pending: PendingExecutionsRepository,
    private readonly modules: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const queue = this.find(ExecutionQueue);
    this.metrics.setBacklogSource({ queueDepth: () => queue?.depth ?? 0, pending: () => this.pending.read() });
    // A cancel ends an execution wherever it runs (or before it runs): counted where it is accepted.
    this.find(ExecutionEvents)?.onCanceled(() => this.metrics.executionFinished('CANCELED'));
  }

  private find<T>(token: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.modules.get(token, { strict: false });
    } catch {
      return undefined;
    }
  }
}
