import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, waitForStatus as waitForAnyStatus, workflowBody } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const waitForStatus = (t: TestApp, id: string, status: string) => waitForAnyStatus(t, id, [status]);

describe('wait, resume, respondToWebhook, retry and cancel', () => {
  let t: TestApp;
  /** Answers 503 at /status/503: an outside failure, which retryOnFail retries (waiting between tries). */
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('pauses at a resume wait, e-mails nothing yet, and continues through the URL an earlier node built', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Mail', type: 'set', parameters: { values: { link: '{{ $execution.resumeUrl }}' } } },
        { name: 'Approval', type: 'wait', parameters: { mode: 'resume', timeoutMs: 60000 } },
        { name: 'After', type: 'set', parameters: { values: { approved: '{{ $json.body.approved }}', page: '{{ $json.query.page }}', link: '{{ $node.Mail.link }}' } } },
      ],
      [
        ['Start', 'Mail'],
        ['Mail', 'Approval'],
        ['Approval', 'After'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    const waiting = await waitForStatus(t, accepted.body.executionId, 'WAITING');
    const link: string = nodeRecord(waiting, 'Mail').output.link;
    expect(link).toMatch(/^http:\/\/wfe\.test\/webhook\/resume\//);
    expect(nodeRecord(waiting, 'Approval').status).toBe('RUNNING');
    expect(nodeRecord(waiting, 'After')).toBeUndefined();
    // The execution holds no worker while it waits: nothing of it is in this process's engine.
    const rows = await t.app.get(DataSource).query('SELECT "leaseOwner" FROM workflow_executions WHERE id = $1', [accepted.body.executionId]);
    expect(rows[0].leaseOwner).toBeNull();

    const path = new URL(link).pathname;
    await t.http.post(`${path}?page=3`).send({ approved: true }).expect(202, { executionId: accepted.body.executionId });
    const done = await waitForExecution(t, accepted.body.executionId);
    expect(done.status).toBe('COMPLETED');
    expect(nodeRecord(done, 'Approval')).toMatchObject({ status: 'SUCCESS', output: { body: { approved: true }, query: { page: '3' } } });
    expect(nodeRecord(done, 'After').output).toEqual({ approved: true, page: '3', link });
    // Single use, and forged tokens are unknown.
    await t.http.post(path).send({}).expect(404);
    await t.http.get(`${path.slice(0, -4)}AAAA`).expect(404);
    await t.http.get('/webhook/resume/nonsense').expect(404);
  });

  it('continues with timedOut after the resume timeout, and after a duration wait', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 300 } },
        { name: 'Approval', type: 'wait', parameters: { mode: 'resume', timeoutMs: 300 } },
        { name: 'After', type: 'noOp' },
      ],
      [
        ['Start', 'Pause'],
        ['Pause', 'Approval'],
        ['Approval', 'After'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ x: 1 }).expect(202);
    const done = await waitForExecution(t, accepted.body.executionId);
    expect(done.status).toBe('COMPLETED');
    expect(nodeRecord(done, 'Pause').output.body).toEqual({ x: 1 });
    expect(nodeRecord(done, 'Pause').executionTime).toBeGreaterThanOrEqual(250);
    expect(nodeRecord(done, 'After').output).toEqual({ timedOut: true });
  });

  it('cancels a waiting execution; its resume URL is then unknown', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Link', type: 'set', parameters: { values: { url: '{{ $execution.resumeUrl }}' } } },
        { name: 'Approval', type: 'wait', parameters: { mode: 'resume' } },
      ],
      [
        ['Start', 'Link'],
        ['Link', 'Approval'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    const waiting = await waitForStatus(t, accepted.body.executionId, 'WAITING');
    const canceled = await t.http.post(`/executions/${accepted.body.executionId}/cancel`).set(t.admin).expect(200);
    expect(canceled.body.status).toBe('CANCELED');
    await t.http.post(new URL(nodeRecord(waiting, 'Link').output.url).pathname).send({}).expect(404);
    await t.http.post(`/executions/${accepted.body.executionId}/cancel`).set(t.admin).expect(409);
  });

  it('cancels a running execution promptly', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Slow', type: 'httpRequest', parameters: { url: `${target.url}/status/503` }, retryOnFail: true, maxTries: 5, waitBetweenTries: 10000 },
      ],
      [['Start', 'Slow']],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    await waitForStatus(t, accepted.body.executionId, 'RUNNING');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await t.http.post(`/executions/${accepted.body.executionId}/cancel`).set(t.admin).expect(200);
    const final = await waitForExecution(t, accepted.body.executionId);
    expect(final.status).toBe('CANCELED');
    expect(Date.now() - started).toBeLessThan(2000);
    // The aborted run does not overwrite the cancellation afterwards.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await t.http.get(`/executions/${accepted.body.executionId}`).set(t.admin)).body.status).toBe('CANCELED');
  });

  it('answers responseMode responseNode with the respondToWebhook node, while the execution goes on', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Reply', type: 'respondToWebhook', parameters: { statusCode: 201, headers: { 'X-Order': '{{ $context.order }}' }, body: { received: '{{ $context.order }}' } } },
        { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 300 } },
        { name: 'End', type: 'set', parameters: { values: { done: true } } },
      ],
      [
        ['Start', 'Reply'],
        ['Reply', 'Pause'],
        ['Pause', 'End'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'responseNode' });
    const answer = await t.http.post(`/webhook/handler/${hook.id}`).send({ order: 'A-7' }).expect(201);
    expect(answer.body).toEqual({ received: 'A-7' });
    expect(answer.headers['x-order']).toBe('A-7');
    const [execution] = (await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin)).body.items;
    const done = await waitForExecution(t, execution.id);
    expect(nodeRecord(done, 'End')).toMatchObject({ status: 'SUCCESS', output: { done: true } });

    const without = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Out', type: 'set', parameters: { values: { last: 1 } } }], [['Start', 'Out']]));
    const lastHook = await createWebhook(t, without.id, { responseMode: 'responseNode' });
    const fallback = await t.http.post(`/webhook/handler/${lastHook.id}`).send({}).expect(200);
    expect(fallback.body).toEqual({ last: 1 });
  });

  it('retries a failed execution from the failed node, reusing earlier outputs, or from the start', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Stamp', type: 'set', parameters: { values: { at: '{{ $millis() }}' } } },
        { name: 'Check', type: 'set', parameters: { values: { n: '{{ $number($trigger.body.n) }}' } } },
      ],
      [
        ['Start', 'Stamp'],
        ['Stamp', 'Check'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ n: 'oops' }).expect(202);
    const failed = await waitForExecution(t, accepted.body.executionId);
    expect(failed.status).toBe('FAILED');
    const stamp = nodeRecord(failed, 'Stamp').output.at;

    // Fix the workflow: the current version reads a field that parses.
    const fixed = { ...body, version: 1, nodes: body.nodes.map((node) => (node.name === 'Check' ? { ...node, parameters: { values: { n: '{{ $count($trigger.body.n) }}' } } } : node)) };
    const current = (await t.http.get(`/workflows/${workflow.id}`).set(t.admin)).body;
    await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...fixed, version: current.version }).expect(200);

    const retried = await t.http.post(`/executions/${failed.id}/retry`).set(t.admin).send({ workflowVersion: 'current' }).expect(201);
    expect(retried.body).toMatchObject({ mode: 'retry', retryOf: failed.id, status: expect.any(String) });
    const done = await waitForExecution(t, retried.body.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.workflowVersion).toBeGreaterThan(failed.workflowVersion);
    expect(nodeRecord(done, 'Stamp').output.at).toBe(stamp); // reused, not run again
    expect(nodeRecord(done, 'Check').output).toEqual({ n: 1 });

    const again = await t.http.post(`/executions/${failed.id}/retry`).set(t.admin).send({ from: 'start' }).expect(201);
    const rerun = await waitForExecution(t, again.body.id);
    expect(rerun.status).toBe('FAILED'); // the original version still fails
    expect(rerun.workflowVersion).toBe(failed.workflowVersion);
    expect(nodeRecord(rerun, 'Stamp').output.at).not.toBe(stamp);

    await t.http.post(`/executions/${done.id}/retry`).set(t.admin).send({}).expect(409);
    await t.http.post(`/executions/${failed.id}/retry`).set(t.admin).send({ from: 'middle' }).expect(400);
    const other = await t.createMember('stranger');
    await t.http.post(`/executions/${failed.id}/retry`).set(other.auth).send({}).expect(404);
  });
});
