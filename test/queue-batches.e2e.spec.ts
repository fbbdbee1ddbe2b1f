import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { ExecutionQueue } from '../src/engine/execution-queue.js';
import type { BatchJob } from '../src/engine/queue/bullmq-execution-queue.js';
import { RedisCompletionRelay } from '../src/engine/queue/redis-completion-relay.js';
import { createWebhook, createWorkflow, scoreRouter, waitForExecution, workflowBody } from './support/factories.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testDatabaseUrl } from './support/test-database.js';
import { until } from './support/until.js';

/**
 * Queue mode in batches (docs/scaling.md): the api enqueues a burst in a few jobs of many executions,
 * a worker claims a job's executions together, completion news goes out only for executions someone
 * waits for, and a job whose worker died is taken up again with nothing lost or run twice.
 */
describe('queue mode in batches (BullMQ on Redis)', () => {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefixes: string[] = [];
  const queueEnv = (role: string, prefix?: string) => {
    if (!prefix) prefixes.push(`wfe_test_batches_${process.pid}_${Date.now()}_${prefixes.length}`);
    return { REDIS_URL: redisUrl, REDIS_PREFIX: prefix ?? prefixes.at(-1)!, APP_ROLE: role, EXECUTION_SWEEP_INTERVAL_MS: '600000' };
  };
  const apps: TestApp[] = [];
  const closers: Array<() => Promise<unknown> | void> = [];
  let db: DataSource;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(await testDatabaseUrl(), 1));
    await db.initialize();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    for (const app of apps.reverse()) await app.close();
    await db.destroy();
    await deleteRedisKeys(redisUrl, ...prefixes);
  });

  const send = (t: TestApp, hookId: string, count: number, key: string): Promise<string[]> =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => (await t.http.post(`/webhook/handler/${hookId}`).set('Idempotency-Key', `${key}-${i}`).send({ score: 95, email: 'ada@example.com', name: 'Ada' }).expect(202)).body.executionId as string),
    );

  const row = async (id: string) => (await db.query('SELECT status, attempt, "lostRuns" FROM workflow_executions WHERE id = $1', [id]))[0];

  it('enqueues a burst in jobs of many executions, and publishes the end only of executions someone waits for', async () => {
    const env = queueEnv('api');
    const prefix = env.REDIS_PREFIX;
    const api = await startTestApp(env);
    apps.push(api);
    const workflow = await createWorkflow(api, scoreRouter());
    const hook = await createWebhook(api, workflow.id);
    const ids = await send(api, hook.id, 40, 'burst');

    // No worker yet: the jobs wait in Redis, and carry every accepted execution exactly once.
    const queue = new Queue<BatchJob>('executions', { connection: { url: redisUrl }, prefix });
    closers.push(() => queue.close());
    const jobs = await queue.getJobs(['wait']);
    const queued = jobs.flatMap((job) => job.data.executions.map((execution) => execution.id));
    expect(queued.sort()).toEqual([...ids].sort());
    expect(jobs.length).toBeLessThan(ids.length);
    expect(jobs.every((job) => job.data.executions.every((execution) => execution.awaited === false))).toBe(true);

    const news: string[] = [];
    const listener = new Redis(redisUrl);
    closers.push(() => listener.disconnect());
    listener.on('message', (_channel: string, id: string) => news.push(id));
    await listener.subscribe(`${prefix}:execution-news`);

    const worker = await startTestApp({ ...env, APP_ROLE: 'worker' });
    apps.push(worker);
    for (const id of ids) expect((await waitForExecution(api, id)).status).toBe('COMPLETED');

    // A caller waits on the api for this one: its end, and only its end, is published.
    const waiting = await createWebhook(api, workflow.id, { responseMode: 'lastNode' });
    const answer = await api.http.post(`/webhook/handler/${waiting.id}`).send({ score: 95, email: 'ada@example.com', name: 'Ada' }).expect(200);
    expect(answer.body).toMatchObject({ to: 'ada@example.com' });
    const [waited] = (await db.query('SELECT id FROM workflow_executions WHERE "webhookId" = $1', [waiting.id])) as Array<{ id: string }>;
    await sleep(200);
    expect(news).toEqual([waited.id]);
  });

  it('relays the news of an end from a worker to every replica that listens, once, and only for executions someone awaits', async () => {
    prefixes.push(`wfe_test_relay_${process.pid}_${Date.now()}`);
    const prefix = prefixes.at(-1)!;
    const api = new RedisCompletionRelay(redisUrl, prefix, true);
    const worker = new RedisCompletionRelay(redisUrl, prefix, false);
    closers.push(() => api.onApplicationShutdown(), () => worker.onApplicationShutdown());
    const heard: string[] = [];
    api.onNews((id) => heard.push(id));
    // Registered before the subscription took effect: its end may have gone unheard, so it is looked at once.
    api.watch('early');
    await until('the early waiter to be looked at', () => heard.includes('early'));
    api.watch('late');
    worker.unawaited.add('nobody-waits');
    worker.announce('nobody-waits');
    worker.announce('done');
    await until("the worker's news", () => heard.includes('done'));
    await sleep(100);
    expect(heard).toEqual(['early', 'done']);
  });

  it('answers many lastNode callers waiting on the api at once, each with the end of its own execution', async () => {
    const env = queueEnv('api');
    const api = await startTestApp(env);
    apps.push(api);
    apps.push(await startTestApp({ ...env, APP_ROLE: 'worker' }));
    const router = await createWebhook(api, (await createWorkflow(api, scoreRouter())).id, { responseMode: 'lastNode' });
    // The last node passes the trigger's data on unchanged: stored as a reference, answered whole.
    const passing = workflowBody([{ name: 'Webhook', type: 'trigger' }, { name: 'Pass', type: 'noOp' }], [['Webhook', 'Pass']]);
    const passthrough = await createWebhook(api, (await createWorkflow(api, passing)).id, { responseMode: 'lastNode' });

    // The api listens for news on one channel, subscribed once; the worker, which has no waiters, does not.
    const redis = new Redis(redisUrl);
    closers.push(() => redis.disconnect());
    expect(await redis.pubsub('NUMSUB', `${env.REDIS_PREFIX}:execution-news`)).toEqual([`${env.REDIS_PREFIX}:execution-news`, 1]);

    // Their ends reach the api together, so their rows are read together: each caller must still get its own.
    const call = (hookId: string, email: string, score: number) => api.http.post(`/webhook/handler/${hookId}`).send({ email, score, name: 'Ada' });
    const callers = Array.from({ length: 40 }, (_, i) => ({ hook: i % 4 === 3 ? passthrough.id : router.id, email: `caller-${i}@example.com`, score: i % 4 === 1 ? 10 : 95 }));
    const answers = await Promise.all(callers.map(({ hook, email, score }) => call(hook, email, score)));
    answers.forEach((answer, i) => {
      const { hook, email, score } = callers[i];
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      if (hook === passthrough.id) expect(answer.body.body).toEqual({ email, score, name: 'Ada' });
      else if (score > 90) expect(answer.body).toMatchObject({ to: email });
      else expect(answer.body).toEqual({ message: 'Score: 10', checked: 10 });
    });
  });

  it('takes up the job of a worker that died holding it: what it started is taken over, the rest runs once', async () => {
    const env = { ...queueEnv('api'), EXECUTION_LEASE_MS: '2000' };
    const prefix = env.REDIS_PREFIX;
    const api = await startTestApp(env);
    apps.push(api);
    // The worker that survives is up before anything is accepted (its start-up sweep finds nothing,
    // and the next one is minutes away): only the dead worker's job can bring it the work. Paused
    // until that worker has the job.
    const survivor = await startTestApp({ ...env, APP_ROLE: 'worker' });
    apps.push(survivor);
    const consumer = (survivor.app.get(ExecutionQueue) as unknown as { worker: Worker }).worker;
    await consumer.pause(true);
    // A fetch blocked before the pause may still take one job: an empty one it is then.
    const queue = new Queue<BatchJob>('executions', { connection: { url: redisUrl }, prefix });
    closers.push(() => queue.close());
    await queue.add('batch', { executions: [] });
    await sleep(300);

    // A worker that takes every job, starts two executions (claims them), and dies.
    const taken: string[] = [];
    const startedThere: string[] = [];
    const doomed = new Worker<BatchJob>(
      'executions',
      async (job) => {
        const executions = job.data.executions.map((execution) => execution.id);
        if (!executions.length) return;
        taken.push(...executions);
        const starting = executions.slice(0, 2 - startedThere.length);
        startedThere.push(...starting);
        await db.query(
          `UPDATE workflow_executions SET status = 'RUNNING', attempt = 1, "leaseOwner" = 'dead-worker', "leaseExpiresAt" = now() - interval '1 second', "startedAt" = now() WHERE id = ANY($1::uuid[])`,
          [starting],
        );
        await new Promise(() => undefined);
      },
      { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency: 10, lockDuration: 1000 },
    );
    const workflow = await createWorkflow(api, scoreRouter());
    const hook = await createWebhook(api, workflow.id);
    const ids = await send(api, hook.id, 6, 'doomed');
    for (let waited = 0; taken.length < ids.length && waited < 10_000; waited += 50) await sleep(50);
    expect(taken.sort()).toEqual([...ids].sort());
    // SIGKILL as far as Redis can tell: the job stays active, and its lock is no longer renewed.
    await doomed.close(true);
    const started = new Set(startedThere);
    expect((await Promise.all(ids.map(row))).map((stored) => stored.status).sort()).toEqual(['PENDING', 'PENDING', 'PENDING', 'PENDING', 'RUNNING', 'RUNNING']);

    consumer.resume();
    for (const id of ids) expect((await waitForExecution(api, id, api.admin, 30_000)).status).toBe('COMPLETED');
    for (const id of ids) {
      const stored = await row(id);
      // Taken over once (attempt and lost run counted), or run once.
      expect([id, stored.attempt, stored.lostRuns]).toEqual(started.has(id) ? [id, 2, 1] : [id, 1, 0]);
    }
  }, 60_000);
});
