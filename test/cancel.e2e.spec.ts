import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANCELED_NODE_ERROR } from '../src/executions/canceled-records.js';
import { createWebhook, createWorkflow, nodeRecord, waitForStatus, workflowBody } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { until } from './support/until.js';

/**
 * docs/executions.md cancel: a canceled execution's record is final, as a FAILED run's is: the interrupted
 * node ends FAILED with the reason and a completedAt, the nodes after it SKIPPED.
 */
const waitThenNoOp = () =>
  workflowBody(
    [
      { name: 'Start', type: 'trigger' },
      { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 60_000 } },
      { name: 'After', type: 'noOp' },
      { name: 'Later', type: 'noOp' },
    ],
    [
      ['Start', 'Pause'],
      ['Pause', 'After'],
      ['After', 'Later'],
    ],
  );

const slowCallThenNoOp = (url: string) =>
  workflowBody(
    [
      { name: 'Start', type: 'trigger' },
      { name: 'Call', type: 'httpRequest', parameters: { url, timeoutMs: 60_000 } },
      { name: 'After', type: 'noOp' },
    ],
    [
      ['Start', 'Call'],
      ['Call', 'After'],
    ],
  );

function expectFinalCanceled(execution: Record<string, any>, interrupted: string, skipped: string[]): void {
  expect(execution.status).toBe('CANCELED');
  expect(execution.completedAt).not.toBeNull();
  expect(nodeRecord(execution, 'Start').status).toBe('SUCCESS');
  const node = nodeRecord(execution, interrupted);
  expect(node).toMatchObject({ status: 'FAILED', error: CANCELED_NODE_ERROR });
  expect(node.completedAt).not.toBeNull();
  expect(node.executionTime).toBeGreaterThanOrEqual(0);
  for (const name of skipped) expect(nodeRecord(execution, name)?.status, name).toBe('SKIPPED');
  expect(execution.nodeExecutions.some((record: { status: string }) => record.status === 'RUNNING')).toBe(false);
}

describe('cancel leaves a final record (single process)', () => {
  let t: TestApp;
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('ends a 60 s wait node FAILED with the reason, the nodes after it SKIPPED, and the view shows it', async () => {
    const workflow = await createWorkflow(t, waitThenNoOp());
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body;
    await waitForStatus(t, executionId, ['WAITING']);
    const canceled = await t.http.post(`/executions/${executionId}/cancel`).set(t.admin).expect(200);
    expectFinalCanceled(canceled.body, 'Pause', ['After', 'Later']);
    expect((await t.http.get(`/executions/${executionId}`).set(t.admin).expect(200)).body).toEqual(canceled.body);

    const view = await t.http.get(`/executions/${executionId}/view`).set(t.admin).expect(200);
    expect(view.text).toContain(CANCELED_NODE_ERROR);
    expect(view.text).toMatch(/class="badge bg-canceled">CANCELED</);
    expect(view.text).toMatch(/node-name">Pause<\/span>.*class="badge bg-failed">FAILED</);
    expect(view.text).toMatch(/node-name">After<\/span>.*class="badge bg-skipped">SKIPPED</);
    expect(view.text).not.toMatch(/class="badge bg-running"/);
  });

  it('ends an in-flight HTTP call FAILED with the reason, and the aborted run does not overwrite the record', async () => {
    const workflow = await createWorkflow(t, slowCallThenNoOp(`${target.url}/slow/30000`));
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body;
    await until('the call to reach the server', () => target.requests.find((r) => r.url === '/slow/30000'));
    const canceled = await t.http.post(`/executions/${executionId}/cancel`).set(t.admin).expect(200);
    expectFinalCanceled(canceled.body, 'Call', ['After']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await t.http.get(`/executions/${executionId}`).set(t.admin).expect(200)).body).toEqual(canceled.body);
  });

  it('records every node SKIPPED for a PENDING execution canceled before it ran', async () => {
    const workflow = await createWorkflow(t, waitThenNoOp());
    const { DataSource } = await import('typeorm');
    const { newId } = await import('../src/common/uuid.js');
    const id = newId();
    const owner = (await t.http.get('/users/me').set(t.admin).expect(200)).body.id;
    await t.app
      .get(DataSource)
      .query(`INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "createdAt") VALUES ($1, $2, 1, $3, 'manual', 'PENDING', now() + interval '1 hour')`, [id, workflow.id, owner]);
    const canceled = await t.http.post(`/executions/${id}/cancel`).set(t.admin).expect(200);
    expect(canceled.body.status).toBe('CANCELED');
    expect(canceled.body.nodeExecutions.map((r: { nodeName: string; status: string }) => [r.nodeName, r.status])).toEqual([
      ['Start', 'SKIPPED'],
      ['Pause', 'SKIPPED'],
      ['After', 'SKIPPED'],
      ['Later', 'SKIPPED'],
    ]);
  });
});

describe('cancel leaves a final record (queue mode: canceled on the api, running on a worker)', () => {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `wfe_test_cancel_${process.pid}_${Date.now()}`;
  let api: TestApp;
  let worker: TestApp;
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    const env = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, EXECUTION_SWEEP_INTERVAL_MS: '600000', EXECUTION_LEASE_MS: '1000', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` };
    api = await startTestApp({ ...env, APP_ROLE: 'api' });
    worker = await startTestApp({ ...env, APP_ROLE: 'worker' });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await target.close();
    await deleteRedisKeys(redisUrl, prefix);
  });

  it('ends the worker’s in-flight HTTP call FAILED and the rest SKIPPED; the worker writes nothing over it', async () => {
    const workflow = await createWorkflow(api, slowCallThenNoOp(`${target.url}/slow/20000`));
    const hook = await createWebhook(api, workflow.id);
    const { executionId } = (await api.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body;
    await until('the call to reach the server', () => target.requests.find((r) => r.url === '/slow/20000'));
    const canceled = await api.http.post(`/executions/${executionId}/cancel`).set(api.admin).expect(200);
    expectFinalCanceled(canceled.body, 'Call', ['After']);
    // The worker learns of it when its lease renewal fails, and stops without writing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await api.http.get(`/executions/${executionId}`).set(api.admin).expect(200)).body).toEqual(canceled.body);
  });
});
