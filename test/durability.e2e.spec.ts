import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { newId } from '../src/common/uuid.js';
import type { NodeExecution } from '../src/executions/execution.types.js';
import { ExecutionsRepository, type FinalState } from '../src/executions/executions.repository.js';
import { ExecutionEngine } from '../src/engine/execution-engine.js';
import { ExecutionLifecycle } from '../src/executions/execution-lifecycle.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testDatabaseUrl } from './support/test-database.js';
import { deleteRedisKeys } from './support/redis-keys.js';

/**
 * docs/executions.md against the real database: fencing of a worker that lost its lease, and recovery of
 * what a dead process left behind (a PENDING execution nobody queued, a RUNNING one whose lease
 * expired with an outside call in flight). Rows are written the way a dead process would have left
 * them; an application started afterwards has to find and finish them.
 */
describe('durable executions (docs/executions.md)', () => {
  // Our own connection, so rows can be staged and read back whatever the application does.
  let db: DataSource;
  let executions: ExecutionsRepository;
  let target: RecordingServer;
  let pure: { id: string; version: number };
  let calling: { id: string; version: number };
  let ownerId: string;

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions((await testDatabaseUrl()), 2));
    await db.initialize();
    executions = new ExecutionsRepository(db);
    target = await startHttpTarget();
    // Workflows are created through the API once; the apps that recover runs are started later.
    const setup = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    try {
      pure = await createWorkflow(setup, pureWorkflow());
      calling = await createWorkflow(setup, callingWorkflow(target.url));
      ownerId = (await setup.http.get('/users/me').set(setup.admin).expect(200)).body.id;
    } finally {
      await setup.close();
    }
  });

  afterAll(async () => {
    await db.destroy();
    await target.close();
  });

  const stage = async (workflow: { id: string; version: number }, extra: Record<string, unknown> = {}): Promise<string> => {
    const id = newId();
    await executions.insertMany([
      {
        id,
        workflowId: workflow.id,
        workflowVersion: workflow.version,
        webhookId: null,
        userId: ownerId,
        mode: 'webhook',
        triggerData: { body: { score: 95, email: 'ada@example.com' }, headers: {}, query: {}, method: 'POST', receivedAt: new Date().toISOString() },
        idempotencyKey: null,
        retryOf: null,
        createdAt: new Date(),
      },
    ]);
    const columns = Object.keys(extra);
    if (columns.length) {
      const sets = columns.map((column, index) => `"${column}" = $${index + 2}`).join(', ');
      await db.query(`UPDATE workflow_executions SET ${sets} WHERE id = $1`, [id, ...columns.map((column) => extra[column])]);
    }
    return id;
  };

  const row = async (id: string) => (await db.query('SELECT status, attempt, "leaseOwner", "nodeExecutions" FROM workflow_executions WHERE id = $1', [id]))[0];

  describe('fencing', () => {
    it('refuses every write of a worker whose lease was taken over, and accepts the new owner', async () => {
      // A running row no sweep will touch (its lease holds), claimed through claimMany as a worker would.
      const id = await stage(pure);
      const [first] = await executions.claimMany([id], 'worker-a', 60_000);
      expect(first).toMatchObject({ id, attempt: 1 });
      expect(await executions.claimMany([id], 'worker-b', 60_000)).toEqual([]);

      await db.query(`UPDATE workflow_executions SET "leaseExpiresAt" = now() - interval '1 second' WHERE id = $1`, [id]);
      const [second] = await executions.claimMany([id], 'worker-b', 60_000);
      expect(second).toMatchObject({ id, attempt: 2 });

      const stale = finalState(id, first.attempt, 'from worker a');
      expect(await executions.saveProgress(id, first.attempt, stale.nodeExecutionsJson, null)).toBe(false);
      expect(await executions.suspend(id, first.attempt, stale.nodeExecutionsJson, null, 'Wait', null)).toBe(false);
      expect([...(await executions.completeMany([stale]))]).toEqual([]);
      expect([...(await executions.renewLeases([id], 'worker-a', 60_000))]).toEqual([]);
      expect(await row(id)).toMatchObject({ status: 'RUNNING', attempt: 2, leaseOwner: 'worker-b', nodeExecutions: [] });

      const current = finalState(id, second.attempt, 'from worker b');
      expect(await executions.saveProgress(id, second.attempt, current.nodeExecutionsJson, null)).toBe(true);
      expect([...(await executions.completeMany([current]))]).toEqual([id]);
      const done = await row(id);
      expect(done.status).toBe('COMPLETED');
      expect(done.nodeExecutions[0].output).toEqual({ by: 'from worker b' });
    });

    it('hands a released lease to the next claim at once', async () => {
      const id = await stage(pure);
      await executions.claimMany([id], 'worker-a', 60_000);
      await executions.releaseLeases([id], 'worker-a');
      const [taken] = await executions.claimMany([id], 'worker-b', 60_000);
      expect(taken).toMatchObject({ id, attempt: 2 });
      await executions.cancel(id);
    });

    it('claims a fresh execution with the records of its first outside call, and no other', async () => {
      const startedAt = new Date().toISOString();
      // What ExecutionEngine.firstCallTemplates makes of trigger → Call: the trigger data by reference.
      const template = JSON.stringify([
        { nodeId: 'n0', nodeName: 'Webhook', nodeType: 'trigger', status: 'SUCCESS', input: null, output: null, outputRef: 'triggerData', error: null, attempts: 1, branch: 0, startedAt, completedAt: startedAt, executionTime: 0 },
        { nodeId: 'n1', nodeName: 'Call', nodeType: 'httpRequest', status: 'RUNNING', input: null, inputRef: 'triggerData', output: null, error: null, attempts: 1, branch: null, startedAt, completedAt: null, executionTime: null },
      ]);
      const firstCalls = { [`${calling.id}:${calling.version}`]: template };
      const fresh = await stage(calling);
      // A retry that replays what its original ran, another workflow's execution, a run whose lease expired.
      const retried = await stage(calling, { nodeExecutions: finalState(fresh, 1, 'original').nodeExecutionsJson });
      const other = await stage(pure);
      const lost = await stage(calling, { status: 'RUNNING', attempt: 1, leaseOwner: 'dead-worker', leaseExpiresAt: new Date(Date.now() - 1000) });
      const claimed = new Map((await executions.claimMany([fresh, retried, other, lost], 'worker-a', 60_000, undefined, firstCalls)).map((execution) => [execution.id, execution]));
      expect(claimed.size).toBe(4);
      // The run starts from nothing, as after an insert already claimed; the row holds the records.
      expect(claimed.get(fresh)).toMatchObject({ attempt: 1, firstCallCommitted: true, nodeExecutions: [] });
      const stored = (await row(fresh)).nodeExecutions;
      expect(stored.map((record: NodeExecution) => `${record.nodeName}:${record.status}:${record.attempts}`)).toEqual(['Webhook:SUCCESS:1', 'Call:RUNNING:1']);
      const sizes = (await db.query('SELECT "sizeBytes" AS size, pg_column_size("triggerData") + pg_column_size("nodeExecutions") AS expected FROM workflow_executions WHERE id = $1', [fresh]))[0];
      expect(Number(sizes.size)).toBe(Number(sizes.expected));
      // Read back (a takeover's claim, the API), the references are the trigger data itself.
      const view = await executions.findById(fresh);
      view!.expandNodeRecords();
      expect(view!.nodeExecutions.map((record) => [record.output, record.input])).toEqual([
        [view!.triggerData, null],
        [null, view!.triggerData],
      ]);
      for (const id of [retried, other, lost]) expect(claimed.get(id)!.firstCallCommitted).toBe(false);
      expect(claimed.get(retried)!.nodeExecutions.map((record) => record.nodeName)).toEqual(['Webhook']);
      expect((await row(other)).nodeExecutions).toEqual([]);
      expect((await row(lost)).nodeExecutions).toEqual([]);
      // A later claim (a takeover) gets the records to continue from, not a fresh start.
      await executions.releaseLeases([fresh], 'worker-a');
      const [again] = await executions.claimMany([fresh], 'worker-b', 60_000, undefined, firstCalls);
      expect(again).toMatchObject({ attempt: 2, firstCallCommitted: false });
      expect(again.nodeExecutions.map((record) => `${record.nodeName}:${record.status}`)).toEqual(['Webhook:SUCCESS', 'Call:RUNNING']);
      for (const id of [fresh, retried, other, lost]) await executions.cancel(id);
    });

    it('stores a run finished before its commit in its final state, in the same insert as PENDING rows, and nothing claims it again', async () => {
      const [finished, pending] = [newId(), newId()];
      const base = { workflowId: pure.id, workflowVersion: pure.version, webhookId: null, userId: ownerId, mode: 'webhook' as const, triggerData: null, idempotencyKey: null, retryOf: null, createdAt: new Date() };
      const startedAt = new Date(Date.now() - 5);
      const { nodeExecutionsJson, completedAt } = finalState(finished, 1, 'before the commit');
      const results = await executions.insertMany([
        { ...base, id: finished, finished: { status: 'COMPLETED', nodeExecutionsJson, error: null, startedAt, completedAt } },
        { ...base, id: pending },
      ]);
      expect(results).toEqual([
        { created: true, id: finished },
        { created: true, id: pending },
      ]);
      const done = (await db.query('SELECT status, attempt, "leaseOwner", "nodeExecutions", "startedAt", "completedAt", error FROM workflow_executions WHERE id = $1', [finished]))[0];
      expect(done).toMatchObject({ status: 'COMPLETED', attempt: 1, leaseOwner: null, error: null });
      expect(done.nodeExecutions[0].output).toEqual({ by: 'before the commit' });
      expect([done.startedAt.getTime(), done.completedAt.getTime()]).toEqual([startedAt.getTime(), completedAt.getTime()]);
      expect(await row(pending)).toMatchObject({ status: expect.stringMatching(/^(PENDING|RUNNING)$/), nodeExecutions: [] });
      // Final already: no worker and no sweep takes it up (the PENDING one is claimable, here or by
      // another test file's app sweeping the same database).
      expect((await executions.claimMany([finished, pending], 'worker-a', 60_000)).map((claimed) => claimed.id)).not.toContain(finished);
      expect((await executions.findRecoverable(1000)).map((item) => item.id)).not.toContain(finished);
      await executions.cancel(pending);
    });
  });

  describe('recovery by the sweep', () => {
    let t: TestApp | undefined;
    afterAll(async () => {
      await t?.close();
    });

    it('runs at start-up a PENDING execution that was committed but never queued', async () => {
      const id = await stage(pure);
      // The interval is long: only the sweep at start-up can find it.
      t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000' });
      const execution = await waitForExecution(t, id);
      expect(execution.status).toBe('COMPLETED');
      expect(nodeRecord(execution, 'High').output).toEqual({ msg: 'Well done ada@example.com' });
      expect((await row(id)).attempt).toBe(1);
      await t.close();
      t = undefined;
    });

    it('recovers an execution inserted already claimed by a process that died before running it', async () => {
      const callsBefore = target.requests.length;
      const id = newId();
      // What the ingest of a process with a free slot commits (ExecutionQueue.reserveRun): RUNNING
      // under its lease from the insert on. That process is gone; nobody ran anything yet.
      await executions.insertMany([
        {
          id,
          workflowId: calling.id,
          workflowVersion: calling.version,
          webhookId: null,
          userId: ownerId,
          mode: 'webhook',
          triggerData: { body: { score: 95, email: 'ada@example.com' }, headers: {}, query: {}, method: 'POST', receivedAt: new Date().toISOString() },
          idempotencyKey: null,
          retryOf: null,
          createdAt: new Date(),
          claimedBy: { owner: 'dead-ingest', leaseMs: 1500, startedAt: new Date() },
        },
      ]);
      expect(await row(id)).toMatchObject({ status: 'RUNNING', attempt: 1, leaseOwner: 'dead-ingest', nodeExecutions: [] });
      // Its lease fences it from every other claim while it holds.
      expect(await executions.claimMany([id], 'worker-b', 60_000)).toEqual([]);

      t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '200', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      const execution = await waitForExecution(t, id);
      expect(execution.status).toBe('COMPLETED');
      expect(nodeRecord(execution, 'Call')).toMatchObject({ status: 'SUCCESS', attempts: 1 });
      expect(target.requests.length - callsBefore).toBe(1);
      const stored = (await db.query('SELECT attempt, "lostRuns", "leaseOwner" FROM workflow_executions WHERE id = $1', [id]))[0];
      expect(stored).toEqual({ attempt: 2, lostRuns: 1, leaseOwner: null });
      await t.close();
      t = undefined;
    });

    it('writes an execution of trigger → HTTP Request → set twice: inserted already claimed, then its final state', async () => {
      t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      const hook = await createWebhook(t, calling.id, { responseMode: 'lastNode' });
      const repository = t.app.get(ExecutionsRepository);
      // Every row write of the execution, by the statement that made it (each takes a batch).
      const writes: string[] = [];
      const count = <T extends unknown[]>(name: string, ids: (args: T) => string[]) => {
        const method = (repository as unknown as Record<string, (...args: T) => unknown>)[name].bind(repository);
        vi.spyOn(repository as unknown as Record<string, (...args: T) => unknown>, name).mockImplementation((...args: T) => {
          for (const id of ids(args)) writes.push(`${name} ${id}`);
          return method(...args);
        });
      };
      count<[Array<{ id: string }>]>('insertMany', ([rows]) => rows.map((row) => row.id));
      count<[string[]]>('claimMany', ([ids]) => ids);
      count<[Array<{ id: string }>]>('saveProgressMany', ([states]) => states.map((state) => state.id));
      count<[Array<{ id: string }>]>('completeMany', ([states]) => states.map((state) => state.id));
      count<[string]>('suspend', ([id]) => [id]);
      const answer = await t.http.post(`/webhook/handler/${hook.id}`).send({ score: 95 });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const [execution] = (await db.query('SELECT id, status, attempt, "nodeExecutions" FROM workflow_executions WHERE "webhookId" = $1', [hook.id])) as Array<{ id: string; status: string; attempt: number; nodeExecutions: NodeExecution[] }>;
      expect(execution).toMatchObject({ status: 'COMPLETED', attempt: 1 });
      expect(execution.nodeExecutions.find((record) => record.nodeName === 'Call')).toMatchObject({ status: 'SUCCESS', attempts: 1 });
      expect(writes.filter((write) => write.endsWith(execution.id))).toEqual([`insertMany ${execution.id}`, `completeMany ${execution.id}`]);
      await t.close();
      t = undefined;
    });

    it('shows the trigger data in full during the first call of an execution inserted already claimed, while storing it once', async () => {
      t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      const slow = await createWorkflow(
        t,
        workflowBody(
          [
            { name: 'Webhook', type: 'trigger' },
            { name: 'Call', type: 'httpRequest', parameters: { url: `${target.url}/slow/1500` } },
          ],
          [['Webhook', 'Call']],
        ),
      );
      const hook = await createWebhook(t, slow.id);
      const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({ score: 95, email: 'grace@example.com' }).expect(202)).body;
      // The call is in flight: what the insert committed is all there is.
      const running = (await t.http.get(`/executions/${executionId}`).set(t.admin).expect(200)).body;
      expect(running.status).toBe('RUNNING');
      expect(nodeRecord(running, 'Webhook')).toMatchObject({ status: 'SUCCESS', output: { body: { score: 95, email: 'grace@example.com' } } });
      expect(nodeRecord(running, 'Call')).toMatchObject({ status: 'RUNNING', input: { body: { score: 95, email: 'grace@example.com' } } });
      // The trigger's output and the call's input refer to the row's trigger data instead of copying it.
      const [stored] = await db.query('SELECT "triggerData", "nodeExecutions" FROM workflow_executions WHERE id = $1', [executionId]);
      expect(JSON.stringify(stored.triggerData)).toContain('grace@example.com');
      expect(JSON.stringify(stored.nodeExecutions)).not.toContain('grace@example.com');
      expect((await waitForExecution(t, executionId)).status).toBe('COMPLETED');
      await t.close();
      t = undefined;
    });

    it('takes over an expired lease only once it expired, and repeats the in-flight call with its attempt counted', async () => {
      const callsBefore = target.requests.length;
      // What a worker that died during the call left: the trigger's result and the call in flight,
      // committed just before the call started.
      const startedAt = new Date(Date.now() - 1000).toISOString();
      const records: NodeExecution[] = [
        { nodeId: 'n0', nodeName: 'Webhook', nodeType: 'trigger', status: 'SUCCESS', input: null, output: { body: { score: 95 } }, error: null, attempts: 1, branch: 0, startedAt, completedAt: startedAt, executionTime: 0 },
        { nodeId: 'n1', nodeName: 'Call', nodeType: 'httpRequest', status: 'RUNNING', input: { body: { score: 95 } }, output: null, error: null, attempts: 1, branch: null, startedAt, completedAt: null, executionTime: null },
      ];
      const id = await stage(calling, {
        status: 'RUNNING',
        attempt: 1,
        leaseOwner: 'dead-worker',
        leaseExpiresAt: new Date(Date.now() + 60_000),
        startedAt: new Date(startedAt),
        nodeExecutions: JSON.stringify(records),
      });
      t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '200', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      await db.query(`UPDATE workflow_executions SET "leaseExpiresAt" = now() + interval '1500 milliseconds' WHERE id = $1`, [id]);
      // Several sweeps pass while the lease holds: nobody else may touch the execution.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await row(id)).toMatchObject({ status: 'RUNNING', attempt: 1, leaseOwner: 'dead-worker' });

      const execution = await waitForExecution(t, id);
      expect(execution.status).toBe('COMPLETED');
      const call = nodeRecord(execution, 'Call');
      expect(call.status).toBe('SUCCESS');
      expect(call.attempts).toBe(2);
      expect(call.output.status).toBe(200);
      // The trigger's committed result was replayed, not run again.
      expect(nodeRecord(execution, 'Webhook').startedAt).toBe(startedAt);
      expect(target.requests.length - callsBefore).toBe(1);
      const stored = await row(id);
      expect(stored.attempt).toBe(2);
      expect(stored.leaseOwner).toBeNull();
    });
  });
});

/** Queue mode (docs/scaling.md) on the Redis of the environment, under a key prefix of this run's own. */
describe('queue mode (BullMQ on Redis)', () => {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefixes: string[] = [];
  const queueEnv = (role: string) => {
    prefixes.push(`wfe_test_${process.pid}_${Date.now()}_${prefixes.length}`);
    return { REDIS_URL: redisUrl, REDIS_PREFIX: prefixes.at(-1)!, APP_ROLE: role, EXECUTION_SWEEP_INTERVAL_MS: '600000' };
  };
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    // No run leaves its queue's keys behind in a shared Redis.
    await deleteRedisKeys(redisUrl, ...prefixes);
  });

  it('refuses APP_ROLE=api or worker without REDIS_URL, in one line naming the variable', () => {
    for (const role of ['api', 'worker']) {
      const attempt = () => loadConfig({ APP_ROLE: role, DATABASE_URL: 'postgres://user@127.0.0.1:5432/db' });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^Invalid configuration: APP_ROLE is "(api|worker)" but REDIS_URL is not set[^\n]*$/);
    }
    expect(loadConfig({ APP_ROLE: 'worker', REDIS_URL: redisUrl, DATABASE_URL: 'postgres://user@127.0.0.1:5432/db' }).appRole).toBe('worker');
  });

  it('runs webhooks through Redis in one process (role all) and reports Redis in readiness', async () => {
    const t = await startTestApp(queueEnv('all'));
    apps.push(t);
    const ready = await t.http.get('/health/ready').expect(200);
    expect(ready.body.details.redis.status).toBe('up');
    const workflow = await createWorkflow(t, pureWorkflow());
    const hook = await createWebhook(t, workflow.id);
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await t.http.post(`/webhook/handler/${hook.id}`).set('Idempotency-Key', `q-${i}`).send({ score: 95, email: 'ada@example.com' }).expect(202)).body.executionId),
    );
    for (const id of ids) expect((await waitForExecution(t, id)).status).toBe('COMPLETED');
  });

  it('lets an api process only accept, a worker run what it accepted, and a worker serve nothing but health and metrics', async () => {
    const env = queueEnv('api');
    const api = await startTestApp(env);
    apps.push(api);
    const workflow = await createWorkflow(api, pureWorkflow());
    const hook = await createWebhook(api, workflow.id);
    const accepted = await api.http.post(`/webhook/handler/${hook.id}`).send({ score: 95, email: 'ada@example.com' }).expect(202);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await row(accepted.body.executionId)).status).toBe('PENDING');

    const worker = await startTestApp({ ...env, APP_ROLE: 'worker' });
    apps.push(worker);
    expect((await waitForExecution(api, accepted.body.executionId)).status).toBe('COMPLETED');
    // A caller waiting on the api (lastNode) hears of the end of a run done by the worker.
    const waiting = await createWebhook(api, workflow.id, { responseMode: 'lastNode' });
    const answer = await api.http.post(`/webhook/handler/${waiting.id}`).send({ score: 95, email: 'ada@example.com' }).expect(200);
    expect(answer.body).toEqual({ msg: 'Well done ada@example.com' });

    await worker.http.get('/health/ready').expect(200);
    await worker.http.get('/health/live').expect(200);
    await worker.http.get('/workflows').set(worker.admin).expect(404);
    await worker.http.get(`/executions/${accepted.body.executionId}`).set(worker.admin).expect(404);
    await worker.http.post(`/webhook/handler/${hook.id}`).send({}).expect(404);
    await worker.http.get('/docs').expect(404);
  });

  it('writes a queued execution of trigger → HTTP Request → set three times: inserted, claimed with the records of its first call, then its final state', async () => {
    const target = await startHttpTarget();
    try {
      const env = queueEnv('api');
      const api = await startTestApp(env);
      apps.push(api);
      const worker = await startTestApp({ ...env, APP_ROLE: 'worker', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      apps.push(worker);
      const writes = recordWrites(worker.app.get(ExecutionsRepository));
      const workflow = await createWorkflow(api, callingWorkflow(target.url));
      const hook = await createWebhook(api, workflow.id);
      const ids: string[] = await Promise.all(Array.from({ length: 5 }, async () => (await api.http.post(`/webhook/handler/${hook.id}`).send({ score: 95 }).expect(202)).body.executionId));
      for (const id of ids) {
        const execution = await waitForExecution(api, id);
        expect(execution.status).toBe('COMPLETED');
        expect(nodeRecord(execution, 'Call')).toMatchObject({ status: 'SUCCESS', attempts: 1 });
        expect(writes.filter((write) => write.endsWith(id))).toEqual([`claimMany ${id}`, `completeMany ${id}`]);
      }
    } finally {
      await target.close();
    }
  });

  it('runs a queued execution of a pure workflow without a claim: its final state is its one write after the insert', async () => {
    const env = queueEnv('api');
    const api = await startTestApp(env);
    apps.push(api);
    const worker = await startTestApp({ ...env, APP_ROLE: 'worker' });
    apps.push(worker);
    const writes = recordWrites(worker.app.get(ExecutionsRepository));
    const workflow = await createWorkflow(api, pureWorkflow());
    const hook = await createWebhook(api, workflow.id);
    const ids: string[] = await Promise.all(Array.from({ length: 5 }, async () => (await api.http.post(`/webhook/handler/${hook.id}`).send({ score: 95, email: 'ada@example.com' }).expect(202)).body.executionId));
    for (const id of ids) {
      const execution = await waitForExecution(api, id);
      expect(execution.status).toBe('COMPLETED');
      expect(nodeRecord(execution, 'High').output).toEqual({ msg: 'Well done ada@example.com' });
      expect(writes.filter((write) => write.endsWith(id))).toEqual([`completeMany ${id}`]);
      const stored = (await db.query('SELECT attempt, "startedAt", "leaseOwner" FROM workflow_executions WHERE id = $1', [id]))[0];
      expect(stored).toMatchObject({ attempt: 1, leaseOwner: null });
      expect(stored.startedAt).not.toBeNull();
    }
    // A caller waiting on the api (lastNode) still hears of the end.
    const waiting = await createWebhook(api, workflow.id, { responseMode: 'lastNode' });
    expect((await api.http.post(`/webhook/handler/${waiting.id}`).send({ score: 95, email: 'ada@example.com' }).expect(200)).body).toEqual({ msg: 'Well done ada@example.com' });
  });

  it('stores one run of a pure execution run twice without a claim, and none of one canceled meanwhile', async () => {
    // An api alone: what it accepts stays PENDING, and its engine runs it here by hand.
    const api = await startTestApp(queueEnv('api'));
    apps.push(api);
    const engine = api.app.get(ExecutionEngine);
    const repository = api.app.get(ExecutionsRepository);
    const heard: string[] = [];
    const lifecycle = api.app.get(ExecutionLifecycle);
    lifecycle.on('finished', ({ execution }) => heard.push(`finished ${execution.id}`));
    lifecycle.on('superseded', ({ id }) => heard.push(`superseded ${id}`));
    const workflow = await createWorkflow(api, pureWorkflow());
    const hook = await createWebhook(api, workflow.id);
    const [twice, canceled] = await Promise.all([1, 2].map(async () => (await api.http.post(`/webhook/handler/${hook.id}`).send({ score: 95, email: 'ada@example.com' }).expect(202)).body.executionId as string));

    // A job delivered twice (or a sweep meanwhile): both runs read the row PENDING and run; one is stored.
    const [first] = await repository.findUnclaimed([twice]);
    const [second] = await repository.findUnclaimed([twice]);
    expect(await Promise.all([engine.runUnclaimed(first), engine.runUnclaimed(second)])).toEqual([true, true]);
    expect(heard.filter((event) => event.endsWith(twice)).sort()).toEqual([`finished ${twice}`, `superseded ${twice}`]);
    expect((await db.query('SELECT status, attempt FROM workflow_executions WHERE id = $1', [twice]))[0]).toEqual({ status: 'COMPLETED', attempt: 1 });
    // Ended: neither read as fresh again nor written again.
    expect(await repository.findUnclaimed([twice])).toEqual([]);
    expect(await engine.runUnclaimed(first)).toBe(true);
    expect(heard.filter((event) => event.endsWith(twice))).toHaveLength(3);

    const [read] = await repository.findUnclaimed([canceled]);
    await api.http.post(`/executions/${canceled}/cancel`).set(api.admin).expect(200);
    expect(await engine.runUnclaimed(read)).toBe(true);
    expect(heard).toContain(`superseded ${canceled}`);
    expect(heard).not.toContain(`finished ${canceled}`);
    expect((await db.query('SELECT status FROM workflow_executions WHERE id = $1', [canceled]))[0].status).toBe('CANCELED');
  });

  it('keeps accepting webhooks while Redis is unreachable, and the sweep runs them', async () => {
    // Nothing listens on port 1: every Redis command fails.
    const t = await startTestApp({ ...queueEnv('all'), REDIS_URL: 'redis://127.0.0.1:1', EXECUTION_SWEEP_INTERVAL_MS: '200' });
    apps.push(t);
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body.details.redis.status).toBe('down');
    expect(ready.body.details.database.status).toBe('up');
    const workflow = await createWorkflow(t, pureWorkflow());
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ score: 95, email: 'ada@example.com' }).expect(202);
    expect((await waitForExecution(t, accepted.body.executionId)).status).toBe('COMPLETED');
  });

  // Rows staged and read on a connection of the test's own.
  let db: DataSource;
  beforeAll(async () => {
    db = new DataSource(dataSourceOptions((await testDatabaseUrl()), 1));
    await db.initialize();
  });
  afterAll(() => db.destroy());
  const row = async (id: string) => (await db.query('SELECT status FROM workflow_executions WHERE id = $1', [id]))[0];
});

function finalState(id: string, attempt: number, by: string): FinalState {
  const record: NodeExecution = { nodeId: 'n0', nodeName: 'Webhook', nodeType: 'trigger', status: 'SUCCESS', input: null, output: { by }, error: null, attempts: 1, startedAt: null, completedAt: null, executionTime: 0 };
  return { id, attempt, status: 'COMPLETED', nodeExecutionsJson: JSON.stringify([record]), error: null, completedAt: new Date(), webhookResponseJson: null };
}

/** trigger → condition → set, as in the README. */
function pureWorkflow() {
  return workflowBody(
    [
      { name: 'Webhook', type: 'trigger' },
      {
        name: 'Check score',
        type: 'condition',
        parameters: { conditions: [{ output: 0, rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 },
      },
      { name: 'High', type: 'set', parameters: { values: { msg: 'Well done {{ $context.email }}' } } },
      { name: 'Low', type: 'set', parameters: { values: { msg: 'Score {{ $context.score }}' } } },
    ],
    [
      ['Webhook', 'Check score'],
      ['Check score', 'High', 0],
      ['Check score', 'Low', 1],
    ],
  );
}

function callingWorkflow(base: string) {
  return workflowBody(
    [
      { name: 'Webhook', type: 'trigger' },
      { name: 'Call', type: 'httpRequest', parameters: { url: `${base}/echo` } },
    ],
    [['Webhook', 'Call']],
  );
}

/** The row writes a worker makes after the insert, as `"<method> <executionId>"`, in order (the calls still go through). */
function recordWrites(repository: ExecutionsRepository): string[] {
  const writes: string[] = [];
  for (const name of ['claimMany', 'saveProgressMany', 'completeMany', 'suspend'] as const) {
    const method = (repository[name] as (...args: unknown[]) => unknown).bind(repository);
    vi.spyOn(repository, name).mockImplementation(((...args: unknown[]) => {
      const first = args[0];
      const ids = typeof first === 'string' ? [first] : (first as Array<string | { id: string }>).map((item) => (typeof item === 'string' ? item : item.id));
      for (const id of ids) writes.push(`${name} ${id}`);
      return method(...args);
    }) as never);
  }
  return writes;
}
