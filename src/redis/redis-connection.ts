import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection that survives Redis restarts: ioredis reconnects forever (backing off to
 * 2 s), and errors are logged — at most once per `QUIET_MS` while Redis stays down — instead of
 * reaching the process as unhandled 'error' events.
 *
 * `failFast` connections refuse commands while disconnected instead of queueing them in memory:
 * right for enqueues (the sweep recovers what was not queued) and pings; BullMQ workers need the
 * opposite (commands wait for the reconnect, `maxRetriesPerRequest: null`).
 */
export function createRedis(url: string, name: string, options: { failFast: boolean }): Redis {
  const extra: RedisOptions = options.failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null };
  const redis = new Redis(url, {
    connectionName: `wfe-${name}`,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    connectTimeout: 5000,
    ...extra,
  });
  const warn = quietWarner(new Logger('Redis'));
  redis.on('error', (error: Error) => warn(`Redis connection "${name}": ${error.message}`));
  redis.on('ready', () => warn.recovered(`Redis connection "${name}" is ready`));
  return redis;
}

const QUIET_MS = 10_000;

/** Logs the first of a run of repeated warnings, then a count at most every QUIET_MS. */
export function quietWarner(logger: Logger): ((message: string) => void) & { recovered(message: string): void } {
  let last = 0;
  let suppressed = 0;
  let failing = false;
  const warn = (message: string) => {
    failing = true;
    const now = Date.now();
    if (now - last < QUIET_MS) {
      suppressed++;
      return;
    }
    logger.warn(suppressed ? `${message} (${suppressed} similar messages suppressed)` : message);
    last = now;
    suppressed = 0;
  };
  warn.recovered = (message: string) => {
    if (!failing) return;
    failing = false;
    last = 0;
    suppressed = 0;
    logger.log(message);
  };
  return warn;
}

/** Rejects when `promise` takes longer than `ms` (the work itself may still finish later). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
