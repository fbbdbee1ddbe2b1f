/**
 * Group commit: callers submit one item each and get their own result, while the items that arrive
 * during a flush travel together in the next one. An idle batcher flushes at once, so batching
 * never adds latency when there is no load; under load, N requests cost one round trip.
 */
export class Batcher {
    flush;
    maxBatch;
    maxConcurrentFlushes;
    pending = [];
    inFlight = 0;
    scheduled = false;
    constructor(
    /** Writes a batch; returns one result per item, in order. */
    flush, maxBatch = 500, 
    /** Flushes allowed at once: more than one keeps the pool busy while a batch is being built. */
    maxConcurrentFlushes = 2) {
        this.flush = flush;
        this.maxBatch = maxBatch;
        this.maxConcurrentFlushes = maxConcurrentFlushes;
    }
    submit(item) {
        return new Promise((resolve, reject) => {
            this.pending.push({ item, resolve, reject });
            // Deferred to the end of this I/O phase, so requests that arrived together share a flush.
            if (!this.scheduled) {
                this.scheduled = true;
                setImmediate(() => {
                    this.scheduled = false;
                    this.drain();
                });
            }
        });
    }
    drain() {
        while (this.pending.length > 0 && this.inFlight < this.maxConcurrentFlushes) {
            const batch = this.pending.splice(0, this.maxBatch);
            this.inFlight++;
            this.flush(batch.map((entry) => entry.item))
                .then((results) => batch.forEach((entry, index) => entry.resolve(results[index])), (error) => batch.forEach((entry) => entry.reject(error)))
                .finally(() => {
                this.inFlight--;
                this.drain();
            });
        }
    }
}
//# sourceMappingURL=batcher.js.map