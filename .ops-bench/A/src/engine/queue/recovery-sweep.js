import { Logger } from '@nestjs/common';
const SWEEP_BATCH = 500;
/**
 * Postgres is the source of truth (SPEC §7.7): every `intervalMs` this searches the database for
 * work nobody runs — PENDING executions never queued (the process died between commit and
 * enqueue) or lost from Redis, RUNNING ones whose lease expired, WAITING ones that are due — and
 * hands them on. It runs once at start-up too, so a restarted process picks up what it left.
 */
export class RecoverySweep {
    executions;
    intervalMs;
    found;
    isHere;
    logger = new Logger('ExecutionQueue');
    timer;
    running = false;
    constructor(executions, intervalMs, 
    /** Receives what was found, minus what `isHere` says this process already holds. */
    found, isHere) {
        this.executions = executions;
        this.intervalMs = intervalMs;
        this.found = found;
        this.isHere = isHere;
    }
    start() {
        void this.sweep();
        this.timer = setInterval(() => void this.sweep(), this.intervalMs);
        this.timer.unref();
    }
    stop() {
        clearInterval(this.timer);
        this.timer = undefined;
    }
    async sweep() {
        // A slow database must not stack sweeps on top of each other.
        if (this.running)
            return;
        this.running = true;
        try {
            const rows = await this.executions.findRecoverable(SWEEP_BATCH);
            // Oldest first (ids are time-ordered UUID v7), whichever way each was lost.
            const fresh = rows
                .filter((row) => !this.isHere(row.id))
                .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
                .map((row) => ({ id: row.id, workflowId: row.workflowId }));
            if (fresh.length)
                await this.found(fresh);
        }
        catch (error) {
            this.logger.warn({ msg: `Sweep failed (retried in ${this.intervalMs} ms): ${error.message}` });
        }
        finally {
            this.running = false;
        }
    }
}
//# sourceMappingURL=recovery-sweep.js.map