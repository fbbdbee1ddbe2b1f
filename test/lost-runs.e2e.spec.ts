import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { newId } from '../src/common/uuid.js';
import { MAX_LOST_RUNS } from '../src/engine/execution-engine.js';
import { ExecutionsRepository } from '../src/executions/executions.repository.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, waitForStatus, workflowBody } from './support/factories.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { until } from './support/until.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * No poison execution (issue 22): a RUNNING execution whose run is lost again and again (its
 * process dies, or it stalls past its lease) is abandoned, FAILED, after MAX_LOST_RUNS takeovers,
 * instead of being claimed forever and repeating its outside call each time. Resumes after a wait
 * and hand-backs on shutdown are not lost runs.
 */
describe('lost runs: an execution lost again and again is abandoned, not claimed forever', () => {
  /** The database of the app running at the moment: rows are staged and read through it. */
  let db: DataSource;
  /** Never answers: each run of the workflow hangs in its HTTP call until it is lost. */
  let target: RecordingServer;

  beforeAll(async () => {
    target = await new RecordingServer(() => new Promise<void>(() => undefined)).start();
  });

  afterAll(async () => {
    await target.close();
  });

  const callsTo = (path: string) => target.requests.filter((request) => request.url.startsWith(path)).length;
  const row = async (id: string) =>
    (await db.query('SELECT status, attempt, "lostRuns", "leaseOwner", "completedAt", error FROM workflow_executions WHERE id = $1', [id]))[0] as Record<string, any>;

  /** What a process that died (or stalled) leaves: RUNNING, held by an owner whose lease is over. */
  const loseRun = (id: string, n: number) =>
    db.query(`UPDATE workflow_executions SET "leaseOwner" = $2, "leaseExpiresAt" = now() - interval '1 second' WHERE id = $1 AND status = 'RUNNING'`, [id, `dead-worker-${n}`]);

  const hangingWorkflow = (path: string) =>
    workflowBody(
      [
        { name: 'Hook', type: 'trigger' },
        { name: 'Call', type: 'httpRequest', parameters: { method: 'POST', url: `${target.url}${path}`, body: { n: 1 } }, timeoutMs: 600_000 },
        { name: 'After', type: 'set', parameters: { values: { done: true } } },
      ],
      [
        ['Hook', 'Call'],
        ['Call', 'After'],
      ],
    );

  /** Loses the run `MAX_LOST_RUNS + 1` times; each takeover but the last runs the call again. */
  async function loseUntilAbandoned(t: TestApp, path: string): Promise<string> {
    const workflow = await createWorkflow(t, hangingWorkflow(path));
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ hello: 'world' }).expect(202);
    const id: string = accepted.body.executionId;
    for (let lost = 1; lost <= MAX_LOST_RUNS + 1; lost++) {
      await until(`call ${lost}`, () => callsTo(path) === lost);
      await loseRun(id, lost);
    }
    return id;
  }

  async function expectAbandoned(t: TestApp, id: string, path: string): Promise<void> {
    const execution = await waitForExecution(t, id, t.admin, 20_000);
    const reason = `Abandoned after ${MAX_LOST_RUNS + 1} attempts`;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toContain(reason);
    expect(execution.completedAt).toEqual(expect.any(String));
    // The node in flight failed with the reason; what came after never ran.
    expect(nodeRecord(execution, 'Hook').status).toBe('SUCCESS');
    expect(nodeRecord(execution, 'Call')).toMatchObject({ status: 'FAILED', completedAt: expect.any(String) });
    expect(nodeRecord(execution, 'Call').error).toContain(reason);
    expect(nodeRecord(execution, 'After').status).toBe('SKIPPED');
    // One call per run that was lost, none by the takeover that gave up, none afterwards.
    await sleep(800);
    expect(callsTo(path)).toBe(MAX_LOST_RUNS + 1);
    expect(await row(id)).toMatchObject({ status: 'FAILED', lostRuns: MAX_LOST_RUNS + 1, leaseOwner: null });
  }

  it('counts only takeovers of a lost run: not a hand-back on shutdown, not a resume after a wait', async () => {
    // Its only sweep runs at start-up, before the row below exists: the claims are this test's alone.
    const setup = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    try {
      db = setup.app.get(DataSource);
      const executions = new ExecutionsRepository(db);
      const workflow = await createWorkflow(setup, hangingWorkflow('/unused'));
      const userId: string = (await setup.http.get('/users/me').set(setup.admin).expect(200)).body.id;
      const id = newId();
      await executions.insertMany([
        { id, workflowId: workflow.id, workflowVersion: workflow.version, webhookId: null, userId, mode: 'manual', triggerData: null, idempotencyKey: null, retryOf: null, createdAt: new Date() },
      ]);
      const claim = async (owner: string) => (await executions.claimMany([id], owner, 60_000))[0];
      expect(await claim('a')).toMatchObject({ attempt: 1, lostRuns: 0 });
      await executions.releaseLeases([id], 'a');
      expect(await claim('b')).toMatchObject({ attempt: 2, lostRuns: 0 });
      await executions.suspend(id, 2, '[]', null, 'Call', 0);
      expect(await claim('c')).toMatchObject({ attempt: 3, lostRuns: 0 });
      await loseRun(id, 1);
      expect(await claim('d')).toMatchObject({ attempt: 4, lostRuns: 1 });
      await executions.cancel(id);
    } finally {
      await setup.close();
    }
  });

  describe('single process', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '200', EXECUTION_LEASE_MS: '1500', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      db = t.app.get(DataSource);
    });
    afterAll(() => t.close());

    it(`ends FAILED ("abandoned after ${MAX_LOST_RUNS + 1} attempts") once its run was lost more than ${MAX_LOST_RUNS} times`, async () => {
      const id = await loseUntilAbandoned(t, '/single');
      await expectAbandoned(t, id, '/single');
    }, 40_000);

    it('can be canceled while its runs are being lost, and is not claimed again', async () => {
      const workflow = await createWorkflow(t, hangingWorkflow('/cancel'));
      const hook = await createWebhook(t, workflow.id);
      const id: string = (await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body.executionId;
      await until('the first call', () => callsTo('/cancel') === 1);
      await loseRun(id, 1);
      await until('the second call', () => callsTo('/cancel') === 2);
      await t.http.post(`/executions/${id}/cancel`).set(t.admin).expect(200);
      await loseRun(id, 2);
      await sleep(800);
      expect(callsTo('/cancel')).toBe(2);
      expect((await waitForStatus(t, id, ['CANCELED'])).status).toBe('CANCELED');
    }, 30_000);
  });

  describe('queue mode (BullMQ)', () => {
    const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
    const prefix = `wfe_test_lost_${process.pid}_${Date.now()}`;
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        REDIS_URL: redisUrl,
        REDIS_PREFIX: prefix,
        APP_ROLE: 'all',
        EXECUTION_SWEEP_INTERVAL_MS: '200',
        EXECUTION_LEASE_MS: '1500',
        HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}`,
      });
      db = t.app.get(DataSource);
    });
    afterAll(async () => {
      await t?.close();
      await deleteRedisKeys(redisUrl, prefix);
    });

    it(`ends FAILED after more than ${MAX_LOST_RUNS} lost runs there too`, async () => {
      const id = await loseUntilAbandoned(t, '/queue');
      await expectAbandoned(t, id, '/queue');
    }, 40_000);
  });
});
