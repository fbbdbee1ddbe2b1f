import { DataSource } from 'typeorm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ExecutionsRepository } from '../src/executions/executions.repository.js';
import { createWebhook, createWorkflow, waitForStatus, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { deleteRedisKeys } from './support/redis-keys.js';

/**
 * Issue 23: a duration wait must end on time, whatever the clocks of the process and the database
 * say, in single-server and queue mode and after a restart.
 *
 * A wake-up that misses is left to the sweep. The lateness tests set the sweep interval far beyond
 * them (60 s), so that a single miss cannot hide: the execution is still WAITING when they give up
 * (before the fix, 1 to 10 wake-ups in 300 missed, in 9 runs out of 10).
 */

const WAITS = 300;
const WAIT_MS = 1000;
const NO_SWEEP = { EXECUTION_SWEEP_INTERVAL_MS: '60000' };
/**
 * The p99 of a wake-up's lateness is well under 200 ms on a machine with CPU to spare (bench/README.md,
 * wait lateness). On one shared with other loads every claim and run is slower, an execution's first
 * start as much as its wake-up: the bound is this much beyond the p99 of the first starts of the
 * same run.
 */
const P99_BOUND_MS = 500;

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const prefixes: string[] = [];
const queueEnv = (role: string) => {
  prefixes.push(`wfe_test_wait_${process.pid}_${Date.now()}_${prefixes.length}`);
  return { REDIS_URL: redisUrl, REDIS_PREFIX: prefixes.at(-1)!, APP_ROLE: role };
};

const apps: TestApp[] = [];
async function start(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '5000', ...env });
  apps.push(t);
  return t;
}
async function stop(t: TestApp): Promise<void> {
  apps.splice(apps.indexOf(t), 1);
  await t.close();
}

afterEach(async () => {
  // Each test's apps end with it, so no other app's sweep claims the next test's executions.
  for (const t of apps.splice(0).reverse()) await t.close();
});

afterAll(async () => {
  await deleteRedisKeys(redisUrl, ...prefixes);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function waitWorkflow(durationMs: number) {
  return workflowBody(
    [
      { name: 'Start', type: 'trigger' },
      { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs } },
      { name: 'After', type: 'noOp' },
    ],
    [
      ['Start', 'Pause'],
      ['Pause', 'After'],
    ],
  );
}

/** Sends `count` webhooks at about 100 a second, as a steady stream would. */
async function sendSpread(t: TestApp, hookId: string, count: number): Promise<void> {
  const url = `${await t.app.getUrl()}/webhook/handler/${hookId}`;
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    sends.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) }).then(async (response) => {
        expect(response.status).toBe(202);
        await response.arrayBuffer();
      }),
    );
    if (i % 10 === 9) await sleep(100);
  }
  await Promise.all(sends);
}

interface Lateness {
  /** created → completed minus the wait, sorted: what a user sees (issue 23's figure). */
  total: number[];
  /** The wait node's end (the execution woken) minus its start and the wait, sorted: the wake-up alone. */
  wake: number[];
  /** created → the wait node's start, sorted: how long a claim and a run take here and now. */
  start: number[];
}

/** Both latenesses for every execution of the workflow, once all have ended. */
async function lateness(t: TestApp, workflowId: string, count: number, waitMs: number): Promise<Lateness> {
  const db = t.app.get(DataSource);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rows: Array<{ status: string; createdAt: Date; completedAt: Date | null; pause: { startedAt: string; completedAt: string } | null }> = await db.query(
      `SELECT status, "createdAt", "completedAt", (SELECT r FROM jsonb_array_elements("nodeExecutions") r WHERE r->>'nodeName' = 'Pause') AS pause
         FROM workflow_executions WHERE "workflowId" = $1`,
      [workflowId],
    );
    const done = rows.filter((row) => row.completedAt);
    if (rows.length === count && done.length === count) {
      expect(rows.every((row) => row.status === 'COMPLETED')).toBe(true);
      const sorted = (values: number[]) => values.sort((a, b) => a - b);
      return {
        total: sorted(done.map((row) => row.completedAt!.getTime() - row.createdAt.getTime() - waitMs)),
        wake: sorted(done.map((row) => Date.parse(row.pause!.completedAt) - Date.parse(row.pause!.startedAt) - waitMs)),
        start: sorted(done.map((row) => Date.parse(row.pause!.startedAt) - row.createdAt.getTime())),
      };
    }
    if (Date.now() > deadline) throw new Error(`${done.length} of ${count} executions ended within 20 s (a missed wake-up waits for the sweep)`);
    await sleep(200);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const figures = (late: number[]) => ({ p50: percentile(late, 50), p99: percentile(late, 99), max: late.at(-1)! });

function expectPunctual({ total, wake, start }: Lateness): void {
  const seen = { total: figures(total), wake: figures(wake), start: figures(start) };
  console.log(`wait lateness (ms beyond ${WAIT_MS} ms) over ${total.length} waits: ${JSON.stringify(seen)}`);
  // Never early: the wait lasts at least what it says.
  expect(wake[0], JSON.stringify(seen)).toBeGreaterThanOrEqual(0);
  expect(seen.wake.p99, JSON.stringify(seen)).toBeLessThan(P99_BOUND_MS + seen.start.p99);
}

describe('duration waits end on time', () => {
  it(`single server: ${WAITS} waits of ${WAIT_MS} ms are woken on time`, async () => {
    const t = await start(NO_SWEEP);
    const workflow = await createWorkflow(t, waitWorkflow(WAIT_MS));
    const hook = await createWebhook(t, workflow.id);
    await sendSpread(t, hook.id, WAITS);
    expectPunctual(await lateness(t, workflow.id, WAITS, WAIT_MS));
  }, 60_000);

  it(`queue mode (api + worker): ${WAITS} waits of ${WAIT_MS} ms are woken on time`, async () => {
    const env = { ...queueEnv('api'), ...NO_SWEEP };
    const api = await start(env);
    await start({ ...env, APP_ROLE: 'worker' });
    const workflow = await createWorkflow(api, waitWorkflow(WAIT_MS));
    const hook = await createWebhook(api, workflow.id);
    await sendSpread(api, hook.id, WAITS);
    expectPunctual(await lateness(api, workflow.id, WAITS, WAIT_MS));
  }, 60_000);
});

/**
 * Runs `body` with this process's clock (`Date.now()`, `new Date()`) `skewMs` off the database's,
 * as on a host whose clock drifted. Timers are untouched: they count elapsed time, not the clock.
 */
async function withClockSkew<T>(skewMs: number, body: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + skewMs);
      else super(...(args as [string]));
    }
    static now(): number {
      return RealDate.now() + skewMs;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
  try {
    return await body();
  } finally {
    globalThis.Date = RealDate;
  }
}

describe('waits on a process whose clock differs from the database', () => {
  for (const skewMs of [2000, -2000]) {
    it(`a process clock ${Math.abs(skewMs)} ms ${skewMs > 0 ? 'ahead of' : 'behind'} the database's: no wait ends late or early`, async () => {
      await withClockSkew(skewMs, async () => {
        // Behind, a frequent sweep would find a wait stored on the process's clock due early.
        const t = await start(skewMs > 0 ? NO_SWEEP : { EXECUTION_SWEEP_INTERVAL_MS: '200' });
        const workflow = await createWorkflow(t, waitWorkflow(WAIT_MS));
        const hook = await createWebhook(t, workflow.id);
        await sendSpread(t, hook.id, 50);
        expectPunctual(await lateness(t, workflow.id, 50, WAIT_MS));
      });
    }, 60_000);
  }
});

describe('waits across a restart', () => {
  /** Parks one execution at a wait of `durationMs` and returns its id once it is WAITING. */
  async function park(t: TestApp, durationMs: number): Promise<string> {
    const workflow = await createWorkflow(t, waitWorkflow(durationMs));
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    await waitForStatus(t, accepted.body.executionId, ['WAITING']);
    return accepted.body.executionId;
  }

  async function completedAt(t: TestApp, id: string): Promise<number> {
    const done = await waitForStatus(t, id, ['COMPLETED', 'FAILED', 'CANCELED'], t.admin, 15_000);
    expect(done.status).toBe('COMPLETED');
    return new Date(done.completedAt).getTime();
  }

  it('single server: a wait due while the server was down ends right after the next start', async () => {
    const first = await start();
    const id = await park(first, 2000);
    await stop(first);
    await sleep(3000);
    const second = await start();
    const startedAt = Date.now();
    expect((await completedAt(second, id)) - startedAt).toBeLessThan(1000);
  });

  it('single server: a wait due soon after a restart ends on time, not at a later sweep', async () => {
    const first = await start();
    const id = await park(first, 3000);
    const [{ waitTill }] = await first.app.get(DataSource).query('SELECT "waitTill" FROM workflow_executions WHERE id = $1', [id]);
    const dueAt = waitTill.getTime();
    await stop(first);
    const second = await start();
    expect(dueAt - Date.now()).toBeGreaterThan(500);
    // The start-up sweep has run; the next one is 5 s away.
    expect((await completedAt(second, id)) - dueAt).toBeLessThan(P99_BOUND_MS);
  });

  it('queue mode: a wait due while the worker was down ends right after a worker starts', async () => {
    const env = queueEnv('api');
    const api = await start(env);
    const worker = await start({ ...env, APP_ROLE: 'worker' });
    const id = await park(api, 2000);
    await stop(worker);
    await sleep(3000);
    await start({ ...env, APP_ROLE: 'worker' });
    const startedAt = Date.now();
    expect((await completedAt(api, id)) - startedAt).toBeLessThan(1000);
  });

  it('queue mode: a wait due soon after a worker restarts ends on time, not at a later sweep', async () => {
    const env = queueEnv('api');
    const api = await start(env);
    const worker = await start({ ...env, APP_ROLE: 'worker' });
    const id = await park(api, 3000);
    const [{ waitTill }] = await api.app.get(DataSource).query('SELECT "waitTill" FROM workflow_executions WHERE id = $1', [id]);
    await stop(worker);
    await start({ ...env, APP_ROLE: 'worker' });
    expect(waitTill.getTime() - Date.now()).toBeGreaterThan(500);
    expect((await completedAt(api, id)) - waitTill.getTime()).toBeLessThan(P99_BOUND_MS);
  });
});

describe('the wait claim, whatever the clocks say', () => {
  it('stores waitTill on the database clock, claims a wait its timer armed for, and nothing earlier than due', async () => {
    const t = await start();
    const db = t.app.get(DataSource);
    const executions = t.app.get(ExecutionsRepository);
    // An hour-long wait, far beyond any lease: woken only by a sweep once it is due.
    const workflow = await createWorkflow(t, waitWorkflow(3_600_000));
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    const id: string = accepted.body.executionId;
    await waitForStatus(t, id, ['WAITING']);
    const [{ waitTill, dueInMs }] = await db.query(`SELECT "waitTill", EXTRACT(EPOCH FROM "waitTill" - now()) * 1000 AS "dueInMs" FROM workflow_executions WHERE id = $1`, [id]);
    expect(Number(dueInMs)).toBeGreaterThan(3_500_000);
    expect(Number(dueInMs)).toBeLessThanOrEqual(3_600_000);

    // Not due on the database's clock: neither a plain claim nor one for an earlier wait takes it.
    expect(await executions.claimMany([id], 'worker-x', 60_000)).toEqual([]);
    expect(await executions.claimMany([id], 'worker-x', 60_000, new Map([[id, new Date(waitTill.getTime() - 1)]]))).toEqual([]);
    // The sweep arms no timer for it either: it is not due within two sweep intervals.
    expect((await executions.findWaitingDueWithin(10_000, 500)).map((row) => row.id)).not.toContain(id);
    // A wake timer armed for this waitTill fired (here, as if the process's clock ran an hour ahead of the database's): claimed.
    const [claimed] = await executions.claimMany([id], 'worker-x', 60_000, new Map([[id, waitTill]]));
    expect(claimed).toMatchObject({ id, waitNode: 'Pause' });
  });
});
