import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ExecutionsRepository } from '../../executions/executions.repository.js';
import { ShutdownState } from '../../health/shutdown-state.js';
import { CompletionWaiters } from '../completion-waiters.js';
import { ConcurrencyRepository } from '../concurrency/concurrency.repository.js';
import { ExecutionEngine } from '../execution-engine.js';
import { ExecutionQueue } from '../execution-queue.js';
import { InProcessExecutionQueue } from './in-process-execution-queue.js';

/**
 * REDIS_URL set: queue mode on BullMQ (docs/scaling.md); else the in-process queue. BullMQ is loaded only
 * in queue mode, which keeps it off a single server's start-up (a restart after a crash is when
 * every second counts).
 */
export const executionQueueProvider: FactoryProvider<Promise<ExecutionQueue>> = {
  provide: ExecutionQueue,
  inject: [ExecutionEngine, ExecutionsRepository, ShutdownState, CompletionWaiters, APP_CONFIG, ConcurrencyRepository],
  useFactory: async (engine: ExecutionEngine, executions: ExecutionsRepository, shutdown: ShutdownState, waiters: CompletionWaiters, config: AppConfig, concurrency: ConcurrencyRepository) => {
    if (!config.redisUrl) return new InProcessExecutionQueue(engine, executions, shutdown, config, concurrency);
    const { BullmqExecutionQueue } = await import('./bullmq-execution-queue.js');
    return new BullmqExecutionQueue(engine, executions, shutdown, config, waiters, concurrency);
  },
};
