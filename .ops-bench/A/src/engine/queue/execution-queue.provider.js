import { APP_CONFIG } from '../../config/app-config.js';
import { ExecutionsRepository } from '../../executions/executions.repository.js';
import { ExecutionEngine } from '../execution-engine.js';
import { ExecutionQueue } from '../execution-queue.js';
import { InProcessExecutionQueue } from './in-process-execution-queue.js';
/**
 * REDIS_URL set: queue mode on BullMQ (SPEC §3); else the in-process queue. BullMQ is loaded only
 * in queue mode, which keeps it off a single server's start-up (a restart after a crash is when
 * every second counts).
 */
export const executionQueueProvider = {
    provide: ExecutionQueue,
    inject: [ExecutionEngine, ExecutionsRepository, APP_CONFIG],
    useFactory: async (engine, executions, config) => {
        if (!config.redisUrl)
            return new InProcessExecutionQueue(engine, executions, config);
        const { BullmqExecutionQueue } = await import('./bullmq-execution-queue.js');
        return new BullmqExecutionQueue(engine, executions, config);
    },
};
//# sourceMappingURL=execution-queue.provider.js.map