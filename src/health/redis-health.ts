import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { createRedis, withTimeout } from '../redis/redis-connection.js';

/**
 * Readiness in queue mode includes Redis (docs/webhooks.md). A connection of its own that never queues
 * commands while disconnected, so a PING during a Redis outage fails at once instead of hanging.
 */
@Injectable()
export class RedisHealth implements OnApplicationShutdown {
  private readonly redis: Redis | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = config.redisUrl ? createRedis(config.redisUrl, 'health', { failFast: true }) : undefined;
  }

  /** False when not in queue mode: there is nothing to check. */
  get enabled(): boolean {
    return this.redis !== undefined;
  }

  async ping(timeoutMs: number): Promise<void> {
    if (!this.redis) return;
    const answer = await withTimeout(this.redis.ping(), timeoutMs, 'Redis PING');
    if (answer !== 'PONG') throw new Error(`Redis answered PING with ${answer}`);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
