import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/common/uuid.js';
import { ExecutionLifecycle } from '../src/executions/execution-lifecycle.js';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from './support/factories.js';
import { sample } from './support/metrics-text.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const setWorkflow = () =>
  workflowBody(
    [
      { name: 'Hook', type: 'trigger' },
      { name: 'Shape', type: 'set', parameters: { values: { email: '{{ $trigger.body.email }}' } } },
    ],
    [['Hook', 'Shape']],
  );

describe('/metrics (docs/observability.md)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_MAX_BODY_BYTES: '1024' });
  });
  afterAll(() => t.close());

  it('serves the Prometheus text format without credentials when METRICS_TOKEN is unset', async () => {
    const response = await t.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'workflow_executions_created_total',
      'workflow_executions_started_total',
      'workflow_executions_finished_total',
      'workflow_execution_duration_seconds',
      'workflow_node_duration_seconds',
      'webhook_requests_total',
      'workflow_execution_queue_depth',
      'workflow_executions_pending',
      'workflow_execution_oldest_pending_age_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(response.text, name).toContain(`# TYPE ${name} `);
    }
  });

  it('counts executions, their durations, node durations and webhook answers by status code', async () => {
    const before = (await t.http.get('/metrics').expect(200)).text;
    const workflow = await createWorkflow(t, setWorkflow());
    const hook = await createWebhook(t, workflow.id);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.http.post(`/webhook/handler/${hook.id}`).send({ email: `n${i}@example.com` }).expect(202);
      ids.push(response.body.executionId);
    }
    for (const id of ids) expect((await waitForExecution(t, id)).status).toBe('COMPLETED');
    await t.http.post(`/webhook/handler/${newId()}`).send({}).expect(404);
    await t.http.post(`/webhook/handler/${hook.id}`).set('Content-Type', 'application/json').send(JSON.stringify({ pad: 'x'.repeat(2048) })).expect(413);
    const after = (await t.http.get('/metrics').expect(200)).text;

    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('workflow_executions_created_total', { mode: 'webhook' })).toBe(3);
    expect(moved('workflow_executions_started_total', { mode: 'webhook' })).toBe(3);
    expect(moved('workflow_executions_finished_total', { status: 'COMPLETED' })).toBe(3);
    expect(moved('workflow_execution_duration_seconds_count')).toBe(3);
    expect(moved('workflow_node_duration_seconds_count', { node_type: 'set', status: 'SUCCESS' })).toBe(3);
    expect(moved('workflow_node_duration_seconds_count', { node_type: 'trigger', status: 'SUCCESS' })).toBe(3);
    expect(moved('webhook_requests_total', { status_code: '202' })).toBe(3);
    expect(moved('webhook_requests_total', { status_code: '404' })).toBe(1);
    // Answered by the body parser, before any Nest handler runs: counted all the same.
    expect(moved('webhook_requests_total', { status_code: '413' })).toBe(1);
    // Admin and health routes are not webhook answers.
    expect(moved('webhook_requests_total', { status_code: '201' })).toBe(0);
  });

  it('still runs and counts executions when a lifecycle listener throws (the failures are counted, the run goes on)', async () => {
    const lifecycle = t.app.get(ExecutionLifecycle);
    const off = [
      lifecycle.on('nodeSettled', () => {
        throw new Error('broken nodeSettled listener');
      }),
      lifecycle.on('finished', () => {
        throw new Error('broken finished listener');
      }),
    ];
    try {
      const before = (await t.http.get('/metrics').expect(200)).text;
      const failuresBefore = lifecycle.failures.get('finished') ?? 0;
      const workflow = await createWorkflow(t, setWorkflow());
      const hook = await createWebhook(t, workflow.id);
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) ids.push((await t.http.post(`/webhook/handler/${hook.id}`).send({ email: `b${i}@example.com` }).expect(202)).body.executionId);
      for (const id of ids) expect((await waitForExecution(t, id)).status).toBe('COMPLETED');
      const after = (await t.http.get('/metrics').expect(200)).text;
      expect(sample(after, 'workflow_executions_finished_total', { status: 'COMPLETED' }) - sample(before, 'workflow_executions_finished_total', { status: 'COMPLETED' })).toBe(2);
      expect((lifecycle.failures.get('finished') ?? 0) - failuresBefore).toBe(2);
    } finally {
      for (const unsubscribe of off) unsubscribe();
    }
  });
});

describe('/metrics backlog gauges and METRICS_TOKEN', () => {
  const token = 'metrics-scrape-token-0123456789';
  let api: TestApp;
  const inserted: string[] = [];
  beforeAll(async () => {
    // Swept once at start-up only, so rows inserted PENDING stay PENDING while the test looks at them.
    api = await startTestApp({ METRICS_TOKEN: token, EXECUTION_SWEEP_INTERVAL_MS: '600000' });
  });
  afterAll(async () => {
    await api.app.get(DataSource).query('DELETE FROM workflow_executions WHERE id = ANY($1)', [inserted]);
    await api.close();
  });

  it('answers 401 without the token, with a wrong one, and 200 with the right one', async () => {
    const missing = await api.http.get('/metrics').expect(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.text).not.toContain('workflow_executions');
    await api.http.get('/metrics').set('Authorization', `Bearer ${token}x`).expect(401);
    await api.http.get('/metrics').set('Authorization', 'Bearer short').expect(401);
    await api.http.get('/metrics').set('Authorization', `Basic ${token}`).expect(401);
    const ok = await api.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(ok.text).toContain('# TYPE workflow_executions_pending gauge');
    // The rest of the API keeps its own authentication: the metrics token opens nothing else.
    await api.http.get('/workflows').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('reports PENDING executions and the age of the oldest', async () => {
    const scrape = async () => (await api.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200)).text;
    const before = sample(await scrape(), 'workflow_executions_pending');
    inserted.push(await insertPending(api, newId(), 3600), await insertPending(api, newId(), 60));
    const text = await scrape();
    expect(sample(text, 'workflow_executions_pending')).toBe(before + 2);
    expect(sample(text, 'workflow_execution_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(3590);
    expect(sample(text, 'workflow_execution_queue_depth')).toBe(0);
  });

  it('counts a canceled execution as finished CANCELED', async () => {
    const scrape = async () => (await api.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200)).text;
    const before = sample(await scrape(), 'workflow_executions_finished_total', { status: 'CANCELED' });
    const id = await insertPending(api, newId(), 0);
    inserted.push(id);
    await api.http.post(`/executions/${id}/cancel`).set(api.admin).expect(200);
    expect(sample(await scrape(), 'workflow_executions_finished_total', { status: 'CANCELED' })).toBe(before + 1);
  });
});

/** A PENDING execution created `ageSeconds` ago, written as the ingest path would. */
async function insertPending(t: TestApp, workflowId: string, ageSeconds: number): Promise<string> {
  const id = newId();
  const owner = (await t.http.get('/users/me').set(t.admin).expect(200)).body.id;
  await t.app.get(DataSource).query(
    `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "createdAt")
     VALUES ($1, $2, 1, $3, 'webhook', 'PENDING', now() - make_interval(secs => $4))`,
    [id, workflowId, owner, ageSeconds],
  );
  return id;
}
