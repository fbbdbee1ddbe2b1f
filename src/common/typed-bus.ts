import { Logger } from '@nestjs/common';

/** A listener of one event kind; what it returns is ignored, but a rejected promise is reported like a throw. */
export type BusListener<T> = (event: T) => unknown;

/**
 * Synchronous, typed publish–subscribe within one process: `Events` maps each kind to its payload.
 * Modules tell each other what happened through it instead of calling each other, so the one that
 * emits knows nothing of who listens (metrics, waiters, the queue, …).
 *
 * Built for the hot path (every execution emits a few events): `emit` walks a plain array, allocates
 * nothing and awaits nothing; subscribing copies the array instead (it happens at start-up), so a
 * listener added or removed during an emit takes effect from the next one. Listeners run in the
 * order they subscribed. A listener that throws does not stop the others nor the emitter: the first
 * failure of each kind is logged at error level, with its stack; later ones only counted
 * (`failures`), so that a broken listener on a path run thousands of times a second cannot flood the log.
 */
export class TypedBus<Events extends object> {
  private readonly listeners = new Map<keyof Events, Array<BusListener<never>>>();
  private readonly logged = new Set<keyof Events>();
  /** Listener failures so far, per kind (the first of each is logged). */
  readonly failures = new Map<keyof Events, number>();

  constructor(private readonly logger = new Logger('Events')) {}

  /** Subscribes; the returned function unsubscribes. */
  on<K extends keyof Events>(kind: K, listener: BusListener<Events[K]>): () => void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), listener as BusListener<never>]);
    return () => {
      const list = this.listeners.get(kind) ?? [];
      this.listeners.set(
        kind,
        list.filter((other) => other !== listener),
      );
    };
  }

  /**
   * Calls every listener of `kind` now, in subscription order. Never throws. No closure in here: one
   * that captured `kind` would make V8 allocate a context on every emit (watch takes the promise).
   */
  emit<K extends keyof Events>(kind: K, event: Events[K]): void {
    const list = this.listeners.get(kind) as Array<BusListener<Events[K]>> | undefined;
    if (list === undefined) return;
    for (let index = 0; index < list.length; index++) {
      try {
        const result = list[index](event);
        if (result instanceof Promise) this.watch(kind, result);
      } catch (error) {
        this.failed(kind, error);
      }
    }
  }

  /** Whether anything listens to `kind` (lets an emitter skip building a payload nobody reads). */
  has(kind: keyof Events): boolean {
    return (this.listeners.get(kind)?.length ?? 0) > 0;
  }

  private watch(kind: keyof Events, result: Promise<unknown>): void {
    result.catch((error: unknown) => this.failed(kind, error));
  }

  private failed(kind: keyof Events, error: unknown): void {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
    if (this.logged.has(kind)) return;
    this.logged.add(kind);
    const message = error instanceof Error ? error.message : String(error);
    // `err`: pino prints the stack of an error under that key.
    this.logger.error({ msg: `A listener of "${String(kind)}" events failed (later failures of this kind are not logged): ${message}`, event: String(kind), err: error });
  }
}
