/**
 * Group commit: callers submit one item each and get their own result, while the items that arrive
 * during a flush travel together in the next one. An idle batcher flushes at once, so batching
 * never adds latency when there is no load; under load, N requests cost one round trip.
 */
export class Batcher<In, Out> {
  private pending: Array<{ item: In; resolve: (value: Out) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** Writes a batch; returns one result per item, in order. */
    private readonly flush: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch = 500,
    /** Flushes allowed at once: more than one keeps the pool busy while a batch is being built. */
    private readonly maxConcurrentFlushes = 2,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
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

  private drain(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxConcurrentFlushes) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      this.flush(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
          (error) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
