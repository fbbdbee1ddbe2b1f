/**
 * The one queue the rest of the code calls: ingestion, manual runs, retries and resumes hand it
 * executions they have committed. Which implementation answers is chosen from the configuration
 * (src/engine/queue/execution-queue.provider.ts): in-process for a single server, BullMQ on Redis
 * in queue mode. Either way Postgres stays the source of truth, so a failed enqueue loses nothing:
 * the recovery sweep finds the execution.
 */
export class ExecutionQueue {
}
/**
 * The time by which running executions must be stopped and handed back at shutdown, so that the
 * process still exits within SHUTDOWN_GRACE_MS (SPEC §3): a little is kept for the release write
 * and closing connections.
 */
export function drainDeadline(shutdownGraceMs, now = Date.now()) {
    return now + shutdownGraceMs - Math.min(2000, Math.floor(shutdownGraceMs / 5));
}
//# sourceMappingURL=execution-queue.js.map