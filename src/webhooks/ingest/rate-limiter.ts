import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { createRedis, quietWarner, withTimeout } from '../../redis/redis-connection.js';
import type { WebhookRateLimit } from '../webhook.types.js';

/** Longest a request waits for the limiter's Redis before it is let through. */
const REDIS_TIMEOUT_MS = 500;

/**
 * One fixed-window counter per webhook and window: INCR, and the expiry set by the request that
 * opened the window — atomic and one round trip, on any Redis version.
 */
const INCREMENT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Per-webhook fixed-window rate limits (docs/webhooks.md step 2). Returns the seconds to wait when the
 * request is over the limit. Single-server mode counts in memory; in queue mode (REDIS_URL) the
 * counters live in Redis so the limit holds across every `api` replica.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly memory = new MemoryWindows();
  private readonly redis: Redis | undefined;
  private readonly warn = quietWarner(new Logger(RateLimiter.name));

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Connected at start-up: a failFast connection refuses commands until it is ready, so opening
    // it on the first request would let that request through uncounted. Workers serve no webhooks.
    if (config.redisUrl && config.appRole !== 'worker') this.redis = createRedis(config.redisUrl, 'rate-limit', { failFast: true });
  }

  async take(key: string, limit: WebhookRateLimit, now = Date.now()): Promise<number | undefined> {
    if (!this.redis) return this.memory.take(key, limit, now);
    const windowMs = limit.windowSeconds * 1000;
    const windowIndex = Math.floor(now / windowMs);
    const windowEnd = (windowIndex + 1) * windowMs;
    let count: number;
    try {
      const redisKey = `${this.config.redisPrefix}:ratelimit:${key}:${windowIndex}`;
      count = Number(await withTimeout(this.redis.eval(INCREMENT_SCRIPT, 1, redisKey, windowMs), REDIS_TIMEOUT_MS, 'Rate limit counter'));
      this.warn.recovered('Webhook rate limits are enforced again');
    } catch (error) {
      // Fail open: a limiter outage must never reject (or 503) a webhook the sender expects us to
      // take; for the outage, requests are simply not counted.
      this.warn(`Webhook rate limits are not enforced while Redis is unreachable: ${(error as Error).message}`);
      return undefined;
    }
    return count > limit.limit ? Math.max(1, Math.ceil((windowEnd - now) / 1000)) : undefined;
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

/** In-memory fixed windows, each starting with its first request. */
class MemoryWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  take(key: string, limit: WebhookRateLimit, now: number): number | undefined {
    const windowMs = limit.windowSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.prune(now);
    }
    if (window.count >= limit.limit) return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    window.count++;
    return undefined;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start > 86_400_000) this.windows.delete(key);
  }
}
