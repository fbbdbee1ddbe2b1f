import { Redis } from 'ioredis';

/** Removes every key a queue-mode test made under its own prefixes, so runs leave Redis as they found it. */
export async function deleteRedisKeys(redisUrl: string, ...prefixes: string[]): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
