import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ExecutionsRepository } from '../../executions/executions.repository.js';
import { ShutdownState } from '../../common/shutdown-state.js';
import { ExecutionLifecycle } from '../../executions/execution-lifecycle.js';
import { CompletionRelay } from '../completion-waiters.js';
import { ConcurrencyRepository } from '../concurrency/concurrency.repository.js';
import { ExecutionEngine } from '../execution-engine.js';
import { ExecutionQueue } from '../execution-queue.js';
import { InProcessExecutionQueue } from './in-process-execution-queue.js';
import type { RedisCompletionRelay } from './redis-completion-relay.js';

/**
 * REDIS_URL set: queue mode on BullMQ (docs/scaling.md); else the in-process queue. BullMQ is loaded only
 * in queue mode, which keeps it off a single server's start-up (a restart after a crash is when
 * every second counts).
 */
export const executionQueueProvider: FactoryProvider<Promise<ExecutionQueue>> = {
  provide: ExecutionQueue,
  inject: [ExecutionEngine, ExecutionsRepository, ShutdownState, ExecutionLifecycle, APP_CONFIG, ConcurrencyRepository, CompletionRelay],
  useFactory: async (engine: ExecutionEngine, executions: ExecutionsRepository, shutdown: ShutdownState, lifecycle: ExecutionLifecycle, config: AppConfig, concurrency: ConcurrencyRepository, relay: CompletionRelay | null) => {
    if (!config.redisUrl) return new InProcessExecutionQueue(engine, executions, shutdown, config, concurrency, lifecycle);
    const { BullmqExecutionQueue } = await import('./bullmq-execution-queue.js');
    return new BullmqExecutionQueue(engine, executions, shutdown, config, concurrency, lifecycle, relay as RedisCompletionRelay);
  },
};

/**
 * Queue mode: waiters on every replica hear of finishes through Redis (RedisCompletionRelay, in
 * every role: an api replica waits for what workers run). A single server needs none.
 */
export const completionRelayProvider: FactoryProvider<Promise<CompletionRelay | null>> = {
  provide: CompletionRelay,
  inject: [APP_CONFIG],
  useFactory: async (config: AppConfig) => {
    if (!config.redisUrl) return null;
    const { RedisCompletionRelay } = await import('./redis-completion-relay.js');
    // A worker serves no waiters (docs/scaling.md): it only announces.
    return new RedisCompletionRelay(config.redisUrl, config.redisPrefix, config.appRole !== 'worker');
  },
};
