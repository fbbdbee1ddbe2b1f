import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const echo = () => workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Out', type: 'noOp' }], [['Hook', 'Out']]);

/** docs/webhooks.md step 2 in queue mode: one webhook's limit holds across every api replica. */
describe('webhook rate limits in queue mode (Redis)', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `wfe_rl_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const apps: TestApp[] = [];
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    a = await startTestApp({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
    apps.push(a);
    b = await startTestApp({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
    apps.push(b);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    try {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('counts requests to one webhook across two app instances, leaving other webhooks alone', async () => {
    const workflow = await createWorkflow(a, echo());
    // An hour-long window: the four requests cannot straddle a window boundary in practice.
    const limited = await createWebhook(a, workflow.id, { rateLimit: { limit: 3, windowSeconds: 3600 } });
    const other = await createWebhook(a, workflow.id, { rateLimit: { limit: 3, windowSeconds: 3600 } });

    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (const app of [a, a, b, b]) {
      const response = await app.http.post(`/webhook/handler/${limited.id}`).send({});
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers['retry-after'];
    }
    // Each instance alone saw two requests, under its limit of 3: only a shared count refuses one.
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(3600);
    await b.http.post(`/webhook/handler/${limited.id}`).send({}).expect(429);

    for (const app of [a, b, a]) await app.http.post(`/webhook/handler/${other.id}`).send({}).expect(202);

    // Counters expire with their window instead of piling up in a shared Redis.
    const keys = await redis.keys(`${prefix}:ratelimit:${limited.id}:*`);
    expect(keys).toHaveLength(1);
    expect(await redis.pttl(keys[0])).toBeGreaterThan(0);
  });

  it('lets webhooks through (fails open) while the limiter cannot reach Redis', async () => {
    // Nothing listens on port 1: every Redis command fails.
    const t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix, EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    apps.push(t);
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id, { rateLimit: { limit: 1, windowSeconds: 3600 } });
    for (let i = 0; i < 3; i++) await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
  });
});
