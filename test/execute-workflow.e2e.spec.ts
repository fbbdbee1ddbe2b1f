import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { newId } from '../src/common/uuid.js';
import { ExecutionsRepository } from '../src/executions/executions.repository.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, waitForStatus, workflowBody, type NodeSpec } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { createdCount } from './support/metrics-text.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { onEmbeddedDatabase } from './support/test-database.js';

type Auth = { Authorization: string };

/** Sub-workflows: the executeWorkflow node (docs/nodes.md, docs/lists-and-subworkflows.md). */
describe('executeWorkflow (docs/lists-and-subworkflows.md)', () => {
  let t: TestApp;
  let db: DataSource;
  /** Answers 503 at /status/503: an outside failure, which retryOnFail retries (and so takes time). */
  let target: RecordingServer;

  beforeAll(async () => {
    target = await startHttpTarget();
    // A quick sweep: the crash test relies on the recovery sweep finding the staged execution.
    t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '200', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
    // The app's own connection: on the embedded database there is no second one.
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  /** A child workflow: trigger → the given nodes in a line (inactive: a child need not be active). */
  async function child(nodes: NodeSpec[], trigger: Record<string, unknown> = {}): Promise<string> {
    const all: NodeSpec[] = [{ name: 'Start', type: 'trigger', parameters: trigger }, ...nodes];
    const edges = all.slice(1).map((node, i) => [all[i].name, node.name] as [string, string]);
    return (await createWorkflow(t, workflowBody(all, edges, { active: false }))).id;
  }

  const doubler = () => child([{ name: 'Double', type: 'set', parameters: { values: { doubled: '{{ $trigger.body.n * 2 }}', method: '{{ $trigger.method }}' } } }]);

  /** Runs trigger → the given nodes in a line, through a webhook, and answers the execution's id. */
  async function start(nodes: NodeSpec[], body: object = {}, auth: Auth = t.admin, extra: Record<string, unknown> = {}): Promise<string> {
    const all: NodeSpec[] = [{ name: 'Start', type: 'trigger' }, ...nodes];
    const edges = all.slice(1).map((node, i) => [all[i].name, node.name] as [string, string]);
    const workflow = await createWorkflow(t, workflowBody(all, edges, extra), auth);
    const hook = await createWebhook(t, workflow.id, {}, auth);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send(body).expect(202);
    return accepted.body.executionId;
  }

  const get = async (id: string) => (await t.http.get(`/executions/${id}`).set(t.admin).expect(200)).body;

  it("waits for the child (parent WAITING meanwhile) and outputs the child's last node output", async () => {
    const childId = await child([
      { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 400 } },
      { name: 'Double', type: 'set', parameters: { values: { doubled: '{{ $trigger.body.n * 2 }}', method: '{{ $trigger.method }}' } } },
    ]);
    const createdBefore = await createdCount(t, 'subworkflow');
    const id = await start([{ name: 'Call', type: 'executeWorkflow', parameters: { workflowId: childId, input: '{{ $trigger.body }}' } }], { n: 21 });
    const waiting = await waitForStatus(t, id, ['WAITING']);
    expect(waiting.children).toHaveLength(1);
    const execution = await waitForExecution(t, id);
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Call').output).toEqual({ doubled: 42, method: 'CALL' });
    expect(execution.parentExecutionId).toBeNull();
    expect(execution.children).toEqual([{ id: waiting.children[0].id, status: 'COMPLETED', nodeName: 'Call', index: 0 }]);
    const sub = await get(execution.children[0].id);
    expect(sub).toMatchObject({ mode: 'subworkflow', workflowId: childId, parentExecutionId: id, parentNode: 'Call', status: 'COMPLETED', children: [] });
    expect(sub.triggerData).toMatchObject({ body: { n: 21 }, headers: {}, query: {}, method: 'CALL' });
    // The lifecycle's `created` event, counted by mode: one child.
    expect((await createdCount(t, 'subworkflow')) - createdBefore).toBe(1);
    // The HTML views link parent and child.
    expect((await t.http.get(`/executions/${id}/view`).set(t.admin).expect(200)).text).toContain(`href="/executions/${sub.id}/view"`);
    expect((await t.http.get(`/executions/${sub.id}/view`).set(t.admin).expect(200)).text).toContain(`href="/executions/${id}/view"`);
  });

  it("fails with the child's error, or outputs { error } under continueOnFail", async () => {
    const failing = await child([{ name: 'Boom', type: 'set', parameters: { values: { x: '{{ $error("boom") }}' } } }]);
    const failed = await waitForExecution(t, await start([{ name: 'Call', type: 'executeWorkflow', parameters: { workflowId: failing } }]));
    expect(failed.status).toBe('FAILED');
    expect(nodeRecord(failed, 'Call').error).toMatch(/Sub-workflow execution .* failed: .*boom/);
    expect(failed.children[0].status).toBe('FAILED');

    const tolerated = await waitForExecution(t, await start([{ name: 'Call', type: 'executeWorkflow', continueOnFail: true, parameters: { workflowId: failing } }]));
    expect(tolerated.status).toBe('COMPLETED');
    expect(nodeRecord(tolerated, 'Call').output.error).toMatch(/boom/);
  });

  it('without waitForCompletion outputs { executionId } and goes on; the child completes on its own', async () => {
    const childId = await doubler();
    const execution = await waitForExecution(t, await start([{ name: 'Fire', type: 'executeWorkflow', parameters: { workflowId: childId, input: { n: 5 }, waitForCompletion: false } }]));
    expect(execution.status).toBe('COMPLETED');
    const { executionId } = nodeRecord(execution, 'Fire').output;
    expect(execution.children).toEqual([expect.objectContaining({ id: executionId, nodeName: 'Fire', index: 0 })]);
    const sub = await waitForExecution(t, executionId);
    expect(sub.status).toBe('COMPLETED');
    expect(nodeRecord(sub, 'Double').output.doubled).toBe(10);
  });

  it("applies the child's trigger requiredFields: the node fails and no child is created", async () => {
    const strict = await child([{ name: 'Echo', type: 'noOp' }], { requiredFields: ['email'] });
    const execution = await waitForExecution(t, await start([{ name: 'Call', type: 'executeWorkflow', parameters: { workflowId: strict, input: { name: 'x' } } }]));
    expect(execution.status).toBe('FAILED');
    expect(nodeRecord(execution, 'Call').error).toMatch(/refused the input: Missing required field: email/);
    expect(execution.children).toEqual([]);
  });

  it('stops a workflow calling itself at 10 executions deep, failing the node that would start the 11th', async () => {
    const self = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Noop', type: 'noOp' }], [['Start', 'Noop']]));
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Recurse', type: 'executeWorkflow', parameters: { workflowId: self.id, input: '{{ $trigger.body }}' } },
      ],
      [['Start', 'Recurse']],
    );
    const updated = await t.http.put(`/workflows/${self.id}`).set(t.admin).send({ ...body, version: self.version });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const hook = await createWebhook(t, self.id);
    const top = (await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body.executionId;
    const execution = await waitForExecution(t, top, t.admin, 30_000);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/depth limit/);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM workflow_executions WHERE "workflowId" = $1`, [self.id]);
    expect(count).toBe(10);
    const [{ max }] = await db.query(`SELECT max(depth)::int AS max FROM workflow_executions WHERE "workflowId" = $1`, [self.id]);
    expect(max).toBe(9);
  });

  it('cancelling a parent cancels the child it waits for; a fire-and-forget child goes on', async () => {
    const slow = await child([{ name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 60_000 } }]);
    const id = await start([
      { name: 'Fire', type: 'executeWorkflow', parameters: { workflowId: slow, waitForCompletion: false } },
      { name: 'Call', type: 'executeWorkflow', parameters: { workflowId: slow } },
    ]);
    const waiting = await waitForStatus(t, id, ['WAITING']);
    const fired = waiting.children.find((c: { nodeName: string }) => c.nodeName === 'Fire').id;
    const awaited = waiting.children.find((c: { nodeName: string }) => c.nodeName === 'Call').id;
    await waitForStatus(t, awaited, ['WAITING']);
    await t.http.post(`/executions/${id}/cancel`).set(t.admin).expect(200);
    expect((await get(awaited)).status).toBe('CANCELED');
    expect((await get(id)).status).toBe('CANCELED');
    expect((await get(fired)).status).not.toBe('CANCELED');
    await t.http.post(`/executions/${fired}/cancel`).set(t.admin).expect(200);
  });

  it('with forEach starts one child per element, outputs in element order', async () => {
    const childId = await doubler();
    const execution = await waitForExecution(
      t,
      await start([{ name: 'Each', type: 'executeWorkflow', forEach: '{{ $trigger.body.items }}', forEachConcurrency: 2, parameters: { workflowId: childId, input: '{{ { "n": $item } }}' } }], { items: [1, 2, 3, 4, 5] }),
      t.admin,
      30_000,
    );
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Each').output.map((o: { doubled: number }) => o.doubled)).toEqual([2, 4, 6, 8, 10]);
    expect(execution.children.map((c: { index: number }) => c.index).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(execution.children.every((c: { status: string; nodeName: string }) => c.status === 'COMPLETED' && c.nodeName === 'Each')).toBe(true);
    // forEachConcurrency children at a time: a child starts only once an earlier one has ended.
    const spans: Array<{ from: Date; to: Date }> = await db.query(`SELECT "createdAt" AS "from", "completedAt" AS "to" FROM workflow_executions WHERE "parentExecutionId" = $1`, [execution.id]);
    const overlap = Math.max(...spans.map((span) => spans.filter((other) => other.from <= span.from && other.to > span.from).length));
    expect(overlap).toBeLessThanOrEqual(2);
  });

  it('a parent recovered after its worker died finds its child instead of starting a second one', async () => {
    const childId = await child([
      { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 800 } },
      { name: 'Done', type: 'set', parameters: { values: { done: true } } },
    ]);
    const id = await start([{ name: 'Call', type: 'executeWorkflow', parameters: { workflowId: childId } }]);
    await waitForStatus(t, id, ['WAITING']);
    // As if the worker died after the child was created and before the parent parked: RUNNING
    // under an expired lease of a dead owner, its Call record still RUNNING.
    await db.query(
      `UPDATE workflow_executions SET status = 'RUNNING', "leaseOwner" = 'dead-worker', "leaseExpiresAt" = now() - interval '1 second', "waitNode" = NULL, "waitTill" = NULL WHERE id = $1`,
      [id],
    );
    const execution = await waitForExecution(t, id);
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Call').output).toEqual({ done: true });
    expect(execution.children).toHaveLength(1);
  });

  it('a child that ends before its parent parks still resumes it: the parent parks due at once', async () => {
    const childId = await doubler();
    const parentWorkflow = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Call', type: 'executeWorkflow', parameters: { workflowId: childId } }], [['Start', 'Call']]));
    const [{ ownerId }] = await db.query('SELECT "ownerId" FROM workflows WHERE id = $1', [parentWorkflow.id]);
    const [parentId, subId] = [newId(), newId()];
    const started = new Date().toISOString();
    const trigger = { nodeId: 'n0', nodeName: 'Start', nodeType: 'trigger', status: 'SUCCESS', input: null, output: {}, error: null, attempts: 1, branch: 0, startedAt: started, completedAt: started, executionTime: 0 };
    const call = { ...trigger, nodeId: 'n1', nodeName: 'Call', nodeType: 'executeWorkflow', status: 'RUNNING', output: null, completedAt: null, executionTime: null };
    // The parent runs (its lease held), its Call node has just created the child...
    await db.query(
      `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "triggerData", "nodeExecutions", "createdAt", attempt, "leaseOwner", "leaseExpiresAt", "startedAt")
       VALUES ($1, $2, 1, $3, 'manual', 'RUNNING', '{"body":{}}', $4::jsonb, now(), 1, 'this-worker', now() + interval '1 hour', now())`,
      [parentId, parentWorkflow.id, ownerId, JSON.stringify([trigger])],
    );
    await db.query(
      `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "triggerData", "createdAt", attempt, "leaseOwner", "leaseExpiresAt",
                                        "parentExecutionId", "parentNode", "parentIndex", "parentWaits", depth)
       VALUES ($1, $2, 1, $3, 'subworkflow', 'RUNNING', '{"body":{"n":4}}', now(), 1, 'other-worker', now() + interval '1 hour', $4, 'Call', 0, true, 1)`,
      [subId, childId, ownerId, parentId],
    );
    // ...which ends before the parent parks (its end finds the parent still RUNNING)...
    const doubled = [{ ...trigger, nodeName: 'Double', nodeType: 'set', output: { doubled: 8 } }];
    await db.query(`UPDATE workflow_executions SET status = 'COMPLETED', "completedAt" = now(), "nodeExecutions" = $2::jsonb WHERE id = $1`, [subId, JSON.stringify(doubled)]);
    // ...so the parent parks due at once, not waiting for a wake-up that already happened.
    const parked = await t.app.get(ExecutionsRepository).suspend(parentId, 1, JSON.stringify([trigger, call]), null, 'Call', null);
    expect(parked && parked.waitTill).toBeInstanceOf(Date);
    const execution = await waitForExecution(t, parentId);
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Call').output).toEqual({ doubled: 8 });
    expect(execution.children).toEqual([{ id: subId, status: 'COMPLETED', nodeName: 'Call', index: 0 }]);
  });

  it('an element failing cancels the children the other elements wait for, recorded CANCELED', async () => {
    const childId = await child([
      { name: 'Check', type: 'set', parameters: { values: { n: '{{ $trigger.body.n = 2 ? $error("element two breaks") : $trigger.body.n }}' } } },
      { name: 'Slow', type: 'wait', parameters: { mode: 'duration', durationMs: 60_000 } },
    ]);
    const id = await start([{ name: 'Each', type: 'executeWorkflow', forEach: '{{ $trigger.body.items }}', forEachConcurrency: 3, parameters: { workflowId: childId, input: '{{ { "n": $item } }}' } }], { items: [1, 2, 3] });
    const execution = await waitForExecution(t, id, t.admin, 30_000);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/element 1 failed: .*element two breaks/);
    const byIndex = Object.fromEntries(execution.children.map((c: { index: number; status: string }) => [c.index, c.status]));
    expect(byIndex).toEqual({ 0: 'CANCELED', 1: 'FAILED', 2: 'CANCELED' });
    const elements = nodeRecord(execution, 'Each').elements;
    expect(elements.map((e: { index: number; status: string }) => [e.index, e.status])).toEqual([
      [0, 'CANCELED'],
      [1, 'FAILED'],
      [2, 'CANCELED'],
    ]);
    expect(elements[0].error).toBe('Canceled: element 1 failed');
    expect((await t.http.get(`/executions/${id}/view`).set(t.admin).expect(200)).text).toContain('Elements: 3, 1 failed, 2 canceled');
  });

  it('with continueOnFail, an element failing leaves the other children running to their end', async () => {
    const childId = await child([
      { name: 'Check', type: 'set', parameters: { values: { n: '{{ $trigger.body.n = 2 ? $error("element two breaks") : $trigger.body.n }}' } } },
      { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 300 } },
    ]);
    const id = await start([{ name: 'Each', type: 'executeWorkflow', continueOnFail: true, forEach: '{{ $trigger.body.items }}', forEachConcurrency: 3, parameters: { workflowId: childId, input: '{{ { "n": $item } }}' } }], { items: [1, 2, 3] });
    const execution = await waitForExecution(t, id, t.admin, 30_000);
    expect(execution.status).toBe('COMPLETED');
    expect(execution.children.map((c: { status: string }) => c.status).sort()).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
    expect(nodeRecord(execution, 'Each').elements.map((e: { status: string }) => e.status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
  });

  describe('time spent waiting does not count toward settings.timeoutMs', () => {
    const short = { settings: { timeoutMs: 1000 } };

    it('a parent waiting on a child longer than its timeout completes', async () => {
      const childId = await child([
        { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 2500 } },
        { name: 'Done', type: 'set', parameters: { values: { done: true } } },
      ]);
      const execution = await waitForExecution(t, await start([{ name: 'Call', type: 'executeWorkflow', parameters: { workflowId: childId } }], {}, t.admin, short));
      expect(execution.status).toBe('COMPLETED');
      expect(nodeRecord(execution, 'Call').output).toEqual({ done: true });
    });

    it('an execution parked at a wait node longer than its timeout completes', async () => {
      const execution = await waitForExecution(
        t,
        await start(
          [
            { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 2500 } },
            { name: 'Done', type: 'set', parameters: { values: { done: true } } },
          ],
          {},
          t.admin,
          short,
        ),
      );
      expect(execution.status).toBe('COMPLETED');
      expect(nodeRecord(execution, 'Done').output).toEqual({ done: true });
    });

    it('an execution whose own running time exceeds its timeout still fails, waits or not', async () => {
      const execution = await waitForExecution(
        t,
        await start(
          [
            { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 1500 } },
            { name: 'Slow', type: 'httpRequest', parameters: { url: `${target.url}/status/503` }, retryOnFail: true, maxTries: 10, waitBetweenTries: 5000 },
          ],
          {},
          t.admin,
          short,
        ),
      );
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toMatch(/timed out after 1000 ms/);
      expect(nodeRecord(execution, 'Pause').status).toBe('SUCCESS');
    });
  });

  it("children's ends that deadlock on their parents' rows (the child-ended trigger) are written on a second try, not dropped", async () => {
    const childId = await doubler();
    const [{ ownerId }] = await db.query('SELECT "ownerId" FROM workflows WHERE id = $1', [childId]);
    const [p1, p2, a, b] = [newId(), newId(), newId(), newId()];
    const insert = (id: string, parent: string | null) =>
      db.query(
        `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "triggerData", "createdAt", attempt, "leaseOwner", "leaseExpiresAt", "startedAt",
                                          "parentExecutionId", "parentNode", "parentIndex", "parentWaits", depth)
         VALUES ($1, $2, 1, $3, $4, 'RUNNING', '{"body":{}}', now(), 1, 'elsewhere', now() + interval '1 hour', now(), $5, $6, $7, $8, $9)`,
        [id, childId, ownerId, parent ? 'subworkflow' : 'manual', parent, parent ? 'Call' : null, parent ? 0 : null, parent !== null, parent ? 1 : 0],
      );
    for (const [id, parent] of [[p1, null], [p2, null], [a, p1], [b, p2]] as const) await insert(id, parent);
    const ended = (id: string) => ({ id, attempt: 1, status: 'COMPLETED' as const, nodeExecutionsJson: '[]', error: null, completedAt: new Date(), webhookResponseJson: null });
    const repository = t.app.get(ExecutionsRepository);
    let written: Set<string>;
    if (onEmbeddedDatabase()) {
      // One session serves every connection there: no two statements can wait on each other.
      written = await repository.completeMany([ended(a), ended(b)]);
    } else {
      // Another transaction holds p2; the batch locks a and b, then p1 (a's parent) and waits for
      // p2 (b's); the other transaction then asks for p1: a deadlock, which PostgreSQL breaks by
      // aborting the statement that waited first, the batch's.
      const other = db.createQueryRunner();
      await other.connect();
      await other.startTransaction();
      try {
        await other.query('UPDATE workflow_executions SET error = NULL WHERE id = $1', [p2]);
        const writing = repository.completeMany([ended(a), ended(b)]);
        const waiting = async () => (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n;
        while ((await waiting()) < 1) await new Promise((resolve) => setTimeout(resolve, 20));
        await other.query('UPDATE workflow_executions SET error = NULL WHERE id = $1', [p1]).catch(() => undefined);
        await other.commitTransaction();
        written = await writing;
      } finally {
        await other.release();
      }
    }
    expect([...written].sort()).toEqual([a, b].sort());
    const parents: Array<{ childEnded: boolean }> = await db.query('SELECT "childEnded" FROM workflow_executions WHERE id = ANY($1::uuid[])', [[p1, p2]]);
    expect(parents.map((parent) => parent.childEnded)).toEqual([true, true]);
    await db.query(`UPDATE workflow_executions SET status = 'CANCELED', "completedAt" = now(), "leaseOwner" = NULL WHERE id = ANY($1::uuid[])`, [[p1, p2]]);
  });

  it('rejects an executeWorkflow naming a workflow the owner cannot see: 400 naming node and field', async () => {
    const member = await t.createMember();
    const adminOnly = await doubler();
    const response = await t.http
      .post('/workflows')
      .set(member.auth)
      .send(workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Call', type: 'executeWorkflow', parameters: { workflowId: adminOnly } }], [['Start', 'Call']]));
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain(`node \\"Call\\": parameter \\"workflowId\\": workflow ${adminOnly} does not exist or is not visible`);
  });
});

/** Queue mode: an API process and a worker on Redis; the parent waits holding no worker. */
describe('executeWorkflow in queue mode', () => {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `wfe_test_subwf_${process.pid}_${Date.now()}`;
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await deleteRedisKeys(redisUrl, prefix);
  });

  it("an API process and a worker run parent and child; the child's end resumes the parent", async () => {
    const env = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, EXECUTION_SWEEP_INTERVAL_MS: '600000' };
    const api = await startTestApp({ ...env, APP_ROLE: 'api' });
    apps.push(api);
    apps.push(await startTestApp({ ...env, APP_ROLE: 'worker' }));
    const childId = (
      await createWorkflow(api, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Double', type: 'set', parameters: { values: { doubled: '{{ $trigger.body.n * 2 }}' } } }], [['Start', 'Double']], { active: false }))
    ).id;
    const parent = await createWorkflow(
      api,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Each', type: 'executeWorkflow', forEach: '{{ $trigger.body.items }}', forEachConcurrency: 3, parameters: { workflowId: childId, input: '{{ { "n": $item } }}' } },
        ],
        [['Start', 'Each']],
      ),
    );
    const hook = await createWebhook(api, parent.id);
    const id = (await api.http.post(`/webhook/handler/${hook.id}`).send({ items: [1, 2, 3, 4] }).expect(202)).body.executionId;
    const execution = await waitForExecution(api, id, api.admin, 30_000);
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Each').output).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }, { doubled: 8 }]);
    expect(execution.children).toHaveLength(4);
  });
});
