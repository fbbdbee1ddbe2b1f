import { drainDeadline, ExecutionQueue } from '../execution-queue.js';
import { LocalDispatcher } from './local-dispatcher.js';
import { RecoverySweep } from './recovery-sweep.js';
/**
 * The single-server queue: executions run in this process, in arrival order, and the sweep finds
 * whatever was committed but never queued here (a crash between commit and enqueue, a restart).
 */
export class InProcessExecutionQueue extends ExecutionQueue {
    config;
    dispatcher;
    sweep;
    constructor(engine, executions, config) {
        super();
        this.config = config;
        this.dispatcher = new LocalDispatcher(engine, executions, {
            concurrency: config.executionConcurrency,
            leaseMs: config.executionLeaseMs,
            wakeWithinMs: config.executionSweepIntervalMs * 2,
        });
        this.sweep = new RecoverySweep(executions, config.executionSweepIntervalMs, (items) => this.dispatcher.submit(items, { first: true }), (id) => this.dispatcher.has(id));
    }
    onApplicationBootstrap() {
        this.dispatcher.start();
        this.sweep.start();
    }
    get depth() {
        return this.dispatcher.depth;
    }
    enqueue(items) {
        this.dispatcher.submit(items);
    }
    /** SIGTERM: stop taking work, let running executions finish within the grace period, release the rest. */
    async beforeApplicationShutdown() {
        this.sweep.stop();
        await this.dispatcher.drain(drainDeadline(this.config.shutdownGraceMs));
    }
}
//# sourceMappingURL=in-process-execution-queue.js.map