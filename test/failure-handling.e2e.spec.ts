import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from './support/factories.js';
import { createdCount } from './support/metrics-text.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { onEmbeddedDatabase } from './support/test-database.js';

type Auth = { Authorization: string };

/** A workflow whose set node fails on every run (an expression error): pure, stored FAILED at ingest. */
const failingPure = (settings: Record<string, unknown> = {}) =>
  workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Boom', type: 'set', parameters: { values: { n: '{{ $number("not a number") }}' } } }], [['Start', 'Boom']], { settings });

/** A workflow whose HTTP call is refused (loopback is private): run by the engine, FAILED at its final write. */
const failingCall = (settings: Record<string, unknown> = {}) =>
  workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Call', type: 'httpRequest', parameters: { method: 'GET', url: 'http://127.0.0.1:1/x' } }], [['Start', 'Call']], { settings });

/** An error workflow that succeeds, echoing what it was told. */
const errorHandler = () => workflowBody([{ name: 'Failure', type: 'trigger' }, { name: 'Report', type: 'set', parameters: { values: { failed: '{{ $context.execution.id }}' } } }], [['Failure', 'Report']]);

async function fire(t: TestApp, workflowId: string, auth: Auth = t.admin, count = 1): Promise<string[]> {
  const hook = await createWebhook(t, workflowId, {}, auth);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await t.http.post(`/webhook/handler/${hook.id}`).send({ i }).expect(202)).body.executionId);
  return ids;
}

/** Every execution of a workflow, oldest first. */
async function executionsOf(t: TestApp, workflowId: string): Promise<Array<Record<string, any>>> {
  const response = await t.http.get(`/executions?workflowId=${workflowId}&limit=200`).set(t.admin).expect(200);
  return response.body.items.reverse();
}

async function errorExecutionsFor(t: TestApp, errorWorkflowId: string, expected: number, timeoutMs = 10_000): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await executionsOf(t, errorWorkflowId);
    if (items.length >= expected || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('error workflows', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: null });
    await t.close();
  });

  it('starts the workflow named in settings.errorWorkflow once per FAILED execution, with what failed and where', async () => {
    const handler = await createWorkflow(t, errorHandler());
    const failing = await createWorkflow(t, { ...failingPure({ errorWorkflow: handler.id }), name: 'Nightly import' });
    const createdBefore = await createdCount(t, 'error');
    const [failedId] = await fire(t, failing.id);
    const failed = await waitForExecution(t, failedId);
    expect(failed.status).toBe('FAILED');

    const [errorRun] = await errorExecutionsFor(t, handler.id, 1);
    const done = await waitForExecution(t, errorRun.id);
    expect(done).toMatchObject({ mode: 'error', status: 'COMPLETED', workflowId: handler.id });
    // Listed by its mode, as every other mode is.
    const listed = await t.http.get('/executions').query({ workflowId: handler.id, mode: 'error' }).set(t.admin).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([errorRun.id]);
    // The lifecycle's `created` event, counted by mode.
    expect((await createdCount(t, 'error')) - createdBefore).toBe(1);
    expect(done.triggerData.body.execution).toEqual({
      id: failedId,
      workflowId: failing.id,
      workflowName: 'Nightly import',
      mode: 'webhook',
      error: failed.error,
      failedNode: { name: 'Boom', type: 'set', error: expect.stringContaining('Expression error in parameter "values.n"') },
      startedAt: failed.startedAt,
      completedAt: failed.completedAt,
      viewUrl: expect.stringMatching(/^http:\/\/wfe\.test\/executions\/.+\/signed-view\?expires=\d+&signature=/),
    });
    // The link opens the failed execution's view without an API key, for 7 days.
    const viewUrl = new URL(done.triggerData.body.execution.viewUrl);
    const page = await t.http.get(viewUrl.pathname + viewUrl.search).expect(200);
    expect(page.text).toContain('Nightly import');
    expect(Number(viewUrl.searchParams.get('expires')) * 1000 - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect(done.nodeExecutions.find((record: { nodeName: string }) => record.nodeName === 'Report').output).toEqual({ failed: failedId });
    // Exactly one, however long we look.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await executionsOf(t, handler.id)).toHaveLength(1);
  });

  it('also for executions the engine runs and fails (an outside call), and not for COMPLETED or CANCELED ones', async () => {
    const handler = await createWorkflow(t, errorHandler());
    const failing = await createWorkflow(t, failingCall({ errorWorkflow: handler.id }));
    const [failedId] = await fire(t, failing.id);
    expect((await waitForExecution(t, failedId)).status).toBe('FAILED');
    const runs = await errorExecutionsFor(t, handler.id, 1);
    expect(runs.map((run) => run.triggerData.body.execution.id)).toEqual([failedId]);
    expect(runs[0].triggerData.body.execution.failedNode).toMatchObject({ name: 'Call', type: 'httpRequest' });

    const fine = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 60_000 } }], [['Start', 'Pause']], { settings: { errorWorkflow: handler.id } }));
    const [waiting] = await fire(t, fine.id);
    await t.http.post(`/executions/${waiting}/cancel`).set(t.admin).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await executionsOf(t, handler.id)).toHaveLength(1);
  });

  it('uses the instance default unless the workflow says "none", and an error workflow\'s own failure starts nothing', async () => {
    const handler = await createWorkflow(t, errorHandler());
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: handler.id }).expect(200);
    const plain = await createWorkflow(t, failingPure());
    const optedOut = await createWorkflow(t, failingPure({ errorWorkflow: 'none' }));
    const [plainFailed] = await fire(t, plain.id);
    await fire(t, optedOut.id);
    const runs = await errorExecutionsFor(t, handler.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await executionsOf(t, handler.id)).map((run) => run.triggerData.body.execution.id)).toEqual([plainFailed]);
    expect(runs).toHaveLength(1);

    // A failing error workflow (the default itself fails): its failure starts no further error run.
    const failingHandler = await createWorkflow(t, failingPure());
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: failingHandler.id }).expect(200);
    const [another] = await fire(t, plain.id);
    const [handlerRun] = await errorExecutionsFor(t, failingHandler.id, 1);
    expect(handlerRun.triggerData.body.execution.id).toBe(another);
    expect((await waitForExecution(t, handlerRun.id)).status).toBe('FAILED');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await executionsOf(t, failingHandler.id)).toHaveLength(1);
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: null }).expect(200);
  });

  it('lets a member name only an error workflow the member can see', async () => {
    const member = await t.createMember();
    const adminsHandler = await createWorkflow(t, errorHandler());
    const refused = await t.http.post('/workflows').set(member.auth).send(failingPure({ errorWorkflow: adminsHandler.id }));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain(`settings: field "errorWorkflow": workflow ${adminsHandler.id} does not exist or is not visible to the workflow's owner`);
    const own = await createWorkflow(t, errorHandler(), member.auth);
    const accepted = await createWorkflow(t, failingPure({ errorWorkflow: own.id }), member.auth);
    const patched = await t.http.patch(`/workflows/${accepted.id}`).set(member.auth).send({ settings: { errorWorkflow: adminsHandler.id } });
    expect(patched.status).toBe(400);
    await t.http.post('/workflows').set(member.auth).send(failingPure({ errorWorkflow: 'somewhere' })).expect(400);
  });

  it('creates exactly one error execution per failure when several replicas relay at once', async () => {
    // The embedded database serves one process by design (docs/scaling.md): there, one replica.
    const second = onEmbeddedDatabase() ? t : await startTestApp();
    try {
      const handler = await createWorkflow(t, errorHandler());
      const failing = await createWorkflow(t, failingPure({ errorWorkflow: handler.id }));
      const hook = await createWebhook(t, failing.id);
      const failedIds = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? t : second).http.post(`/webhook/handler/${hook.id}`).send({ i }).then((r) => r.body.executionId as string)));
      const runs = await errorExecutionsFor(t, handler.id, 60, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const final = await executionsOf(t, handler.id);
      expect(final).toHaveLength(60);
      expect(new Set(final.map((run) => run.triggerData.body.execution.id))).toEqual(new Set(failedIds));
      expect(runs.length).toBe(60);
    } finally {
      if (second !== t) await second.close();
    }
  });
});

describe('instance settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('are for admins only, refuse unknown workflows, and read back what was set', async () => {
    const member = await t.createMember();
    await t.http.get('/settings').set(member.auth).expect(403);
    await t.http.put('/settings').set(member.auth).send({ defaultErrorWorkflowId: null }).expect(403);
    const unknown = await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: '01900000-0000-7000-8000-00000000dead' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('does not exist');
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: 'nope' }).expect(400);
    await t.http.put('/settings').set(t.admin).send({ somethingElse: 1 }).expect(400);
    const handler = await createWorkflow(t, errorHandler());
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: handler.id }).expect(200);
    expect((await t.http.get('/settings').set(t.admin).expect(200)).body.defaultErrorWorkflowId).toBe(handler.id);
    await t.http.put('/settings').set(t.admin).send({ defaultErrorWorkflowId: null }).expect(200);
    expect((await t.http.get('/settings').set(t.admin).expect(200)).body.defaultErrorWorkflowId).toBeNull();
  });
});

describe('bulk retry', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('retries the newest FAILED executions up to the limit, then only the newest link of each chain', async () => {
    const failing = await createWorkflow(t, failingPure({ errorWorkflow: 'none' }));
    const originals = await fire(t, failing.id, t.admin, 3);
    for (const id of originals) await waitForExecution(t, id);

    const limited = await t.http.post('/executions/retry').set(t.admin).send({ workflowId: failing.id, status: 'FAILED', limit: 2 }).expect(201);
    expect(limited.body.count).toBe(2);
    const retried = await Promise.all(limited.body.executionIds.map((id: string) => waitForExecution(t, id)));
    // Newest first by startedAt.
    expect(retried.map((run) => run.retryOf)).toEqual([originals[2], originals[1]]);
    expect(retried.every((run) => run.mode === 'retry' && run.status === 'FAILED')).toBe(true);

    // The two retried originals have a retry now: a second call takes the oldest original and the two retries.
    const again = await t.http.post('/executions/retry').set(t.admin).send({ workflowId: failing.id, status: 'FAILED' }).expect(201);
    expect(again.body.count).toBe(3);
    const second = await Promise.all(again.body.executionIds.map((id: string) => waitForExecution(t, id)));
    expect(new Set(second.map((run) => run.retryOf))).toEqual(new Set([originals[0], ...limited.body.executionIds]));
  });

  it('filters by time, refuses bad input, and lets members retry only what they own', async () => {
    const member = await t.createMember();
    const mine = await createWorkflow(t, failingPure({ errorWorkflow: 'none' }), member.auth);
    const admins = await createWorkflow(t, failingPure({ errorWorkflow: 'none' }));
    const [memberFailed] = await fire(t, mine.id, member.auth);
    const [adminFailed] = await fire(t, admins.id);
    await waitForExecution(t, memberFailed);
    await waitForExecution(t, adminFailed);

    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await t.http.post('/executions/retry').set(member.auth).send({ status: 'FAILED', from: future }).expect(201);
    expect(none.body).toEqual({ count: 0, executionIds: [] });

    const byMember = await t.http.post('/executions/retry').set(member.auth).send({ status: 'FAILED' }).expect(201);
    const runs = await Promise.all(byMember.body.executionIds.map((id: string) => waitForExecution(t, id, member.auth)));
    expect(runs.map((run) => run.retryOf)).toEqual([memberFailed]);
    // Another member's workflow is filtered to nothing rather than revealed.
    const foreign = await t.http.post('/executions/retry').set(member.auth).send({ status: 'FAILED', workflowId: admins.id }).expect(201);
    expect(foreign.body.count).toBe(0);

    await t.http.post('/executions/retry').set(t.admin).send({ status: 'COMPLETED' }).expect(400);
    await t.http.post('/executions/retry').set(t.admin).send({ status: 'FAILED', limit: 1001 }).expect(400);
    await t.http.post('/executions/retry').set(t.admin).send({ status: 'FAILED', start: 'middle' }).expect(400);
  });
});
