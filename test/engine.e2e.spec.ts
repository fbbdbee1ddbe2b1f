import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowDefinitions } from '../src/engine/workflow-definitions.js';
import { createWebhook, createWorkflow, nodeRecord, scoreRouter, waitForExecution, workflowBody, type NodeSpec } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('execution engine through webhooks', () => {
  let t: TestApp;
  /** Answers 503 at /status/503: an outside failure, which retryOnFail retries. */
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  function fire(webhookId: string, body: unknown, headers: Record<string, string> = {}) {
    return t.http.post(`/webhook/handler/${webhookId}`).set(headers).send(body as object);
  }

  it('runs the score router down the high branch and records the other as SKIPPED', async () => {
    const workflow = await createWorkflow(t, scoreRouter());
    const hook = await createWebhook(t, workflow.id);
    const accepted = await fire(hook.id, { email: 'ada@example.com', score: 95, name: 'Ada' }).expect(202);
    expect(accepted.body).toEqual({ executionId: expect.any(String), status: 'PENDING' });
    const execution = await waitForExecution(t, accepted.body.executionId);
    expect(execution.status).toBe('COMPLETED');
    expect(execution.mode).toBe('webhook');
    expect(execution.webhookId).toBe(hook.id);
    expect(execution.workflowVersion).toBe(workflow.version);
    expect(execution.nodeExecutions.map((r: { nodeName: string }) => r.nodeName)).toEqual(['Webhook', 'Check score', 'Email', 'Telegram']);
    expect(nodeRecord(execution, 'Webhook')).toMatchObject({ status: 'SUCCESS', input: null, attempts: 1 });
    expect(nodeRecord(execution, 'Webhook').output.body).toEqual({ email: 'ada@example.com', score: 95, name: 'Ada' });
    expect(nodeRecord(execution, 'Check score')).toMatchObject({ status: 'SUCCESS', branch: 0 });
    expect(nodeRecord(execution, 'Email')).toMatchObject({ status: 'SUCCESS', output: { to: 'ada@example.com', subject: 'Hello Ada, your score is 95' } });
    expect(nodeRecord(execution, 'Telegram')).toMatchObject({ status: 'SKIPPED', attempts: 0 });
    expect(execution.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('counts only workflows of instant, non-retrying nodes as pure, the ones a webhook runs before its commit (LoadedWorkflow.pure)', async () => {
    const pureOf = async (body: Record<string, unknown>) => {
      const workflow = await createWorkflow(t, body);
      return (await t.app.get(WorkflowDefinitions).load(workflow.id, workflow.version))!.pure;
    };
    const chain = (second: Record<string, unknown>) => workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Next', ...second } as NodeSpec], [['Start', 'Next']]);
    expect(await pureOf(chain({ type: 'set', parameters: { values: { a: '{{ $json.body }}' } } }))).toBe(true);
    expect(await pureOf(chain({ type: 'condition', parameters: { conditions: [], defaultOutput: 0 } }))).toBe(true);
    expect(await pureOf(chain({ type: 'set', parameters: { values: { a: 1 } }, retryOnFail: true }))).toBe(false);
    expect(await pureOf(chain({ type: 'wait', parameters: { mode: 'duration', durationMs: 10 } }))).toBe(false);
    expect(await pureOf(chain({ type: 'httpRequest', parameters: { method: 'GET', url: 'http://127.0.0.1:9/' } }))).toBe(false);
  });

  it('takes the default branch for a low score', async () => {
    const workflow = await createWorkflow(t, scoreRouter());
    const hook = await createWebhook(t, workflow.id);
    const accepted = await fire(hook.id, { email: 'bob@example.com', score: '42' }).expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId);
    expect(nodeRecord(execution, 'Check score').branch).toBe(1);
    expect(nodeRecord(execution, 'Email').status).toBe('SKIPPED');
    expect(nodeRecord(execution, 'Telegram')).toMatchObject({ status: 'SUCCESS', output: { message: 'Score: 42', checked: '42' } });
  });

  it('runs a diamond: both branches, then the merge once with both inputs', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Left', type: 'set', parameters: { values: { side: 'left', n: '{{ $context.n }}' } } },
        { name: 'Right', type: 'set', parameters: { values: { side: 'right' } } },
        { name: 'Join', type: 'merge', parameters: { mode: 'append' } },
        { name: 'After', type: 'set', parameters: { values: { count: '{{ $count($json) }}', first: '{{ $json[0].side }}' } } },
      ],
      [
        ['Start', 'Left'],
        ['Start', 'Right'],
        ['Left', 'Join', 0, 0],
        ['Right', 'Join', 0, 1],
        ['Join', 'After'],
      ],
      { settings: {} },
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const answer = await fire(hook.id, { n: 3 }).expect(200);
    expect(answer.body).toEqual({ count: 2, first: 'left' });
    const list = await t.http.get(`/executions/workflow/${workflow.id}?include=nodes`).set(t.admin).expect(200);
    const execution = list.body.items[0];
    expect(nodeRecord(execution, 'Join')).toMatchObject({ status: 'SUCCESS', output: [{ side: 'left', n: 3 }, { side: 'right' }] });
    expect(execution.nodeExecutions.filter((r: { nodeName: string }) => r.nodeName === 'Join')).toHaveLength(1);
  });

  it('runs a merge after a condition with only the live input, and skips one whose inputs are all skipped', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'If', type: 'condition', parameters: { conditions: [{ output: 0, rules: [{ field: '{{ body.flag }}', operator: 'equals', value: true }] }], defaultOutput: 1 } },
        { name: 'Yes', type: 'set', parameters: { values: { branch: 'yes' } } },
        { name: 'No', type: 'set', parameters: { values: { branch: 'no' } } },
        { name: 'Join', type: 'merge', parameters: { mode: 'passThrough' } },
        { name: 'OnlyNo', type: 'noOp' },
        { name: 'AfterOnlyNo', type: 'noOp' },
      ],
      [
        ['Start', 'If'],
        ['If', 'Yes', 0],
        ['If', 'No', 1],
        ['Yes', 'Join', 0, 0],
        ['No', 'Join', 0, 1],
        ['No', 'OnlyNo'],
        ['OnlyNo', 'AfterOnlyNo'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    await fire(hook.id, { flag: true }).expect(200);
    const [execution] = (await t.http.get(`/executions/workflow/${workflow.id}?include=nodes`).set(t.admin)).body.items;
    expect(nodeRecord(execution, 'Join')).toMatchObject({ status: 'SUCCESS', output: { branch: 'yes' } });
    expect(nodeRecord(execution, 'No').status).toBe('SKIPPED');
    expect(nodeRecord(execution, 'OnlyNo').status).toBe('SKIPPED');
    expect(nodeRecord(execution, 'AfterOnlyNo').status).toBe('SKIPPED');
  });

  it('fails the execution at a failing node, naming it, and skips what follows', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Broken', type: 'set', parameters: { values: { n: '{{ $number("not a number") }}' } } },
        { name: 'Next', type: 'noOp' },
      ],
      [
        ['Start', 'Broken'],
        ['Broken', 'Next'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const answer = await fire(hook.id, {}).expect(500);
    expect(answer.body.error).toMatch(/Node "Broken" failed: Expression error in parameter "values.n"/);
    const execution = await waitForExecution(t, answer.body.executionId);
    expect(execution.status).toBe('FAILED');
    expect(nodeRecord(execution, 'Broken')).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(nodeRecord(execution, 'Next').status).toBe('SKIPPED');
  });

  it('retries a node failing on an outside system up to maxTries, then continues with continueOnFail', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Flaky', type: 'httpRequest', parameters: { url: `${target.url}/status/503` }, retryOnFail: true, maxTries: 3, waitBetweenTries: 10, continueOnFail: true },
        { name: 'Next', type: 'set', parameters: { values: { sawError: '{{ $exists($json.error) }}' } } },
      ],
      [
        ['Start', 'Flaky'],
        ['Flaky', 'Next'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const started = Date.now();
    const answer = await fire(hook.id, {}).expect(200);
    expect(answer.body).toEqual({ sawError: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(30); // waits 10 ms, then 20 ms
    const [execution] = (await t.http.get(`/executions/workflow/${workflow.id}?include=nodes`).set(t.admin)).body.items;
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Flaky')).toMatchObject({ status: 'FAILED', attempts: 3, errorKind: 'outside' });
    expect(nodeRecord(execution, 'Flaky').attemptErrors).toHaveLength(3);
    expect(nodeRecord(execution, 'Flaky').output.error).toMatch(/HTTP 503/);
  });

  it('tries a node whose expression fails once, retryOnFail or not: bad input fails the same way every time', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Broken', type: 'set', parameters: { values: { n: '{{ $number("x") }}' } }, retryOnFail: true, maxTries: 3, waitBetweenTries: 10, continueOnFail: true },
      ],
      [['Start', 'Broken']],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    await fire(hook.id, {}).expect(200);
    const [execution] = (await t.http.get(`/executions/workflow/${workflow.id}?include=nodes`).set(t.admin)).body.items;
    expect(nodeRecord(execution, 'Broken')).toMatchObject({ status: 'FAILED', attempts: 1, errorKind: 'input', error: expect.stringMatching(/Expression error/) });
  });

  it('passes input through a disabled node', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Off', type: 'set', parameters: { values: { replaced: true } }, disabled: true },
      ],
      [['Start', 'Off']],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const answer = await fire(hook.id, { keep: 1 }).expect(200);
    expect(answer.body.body).toEqual({ keep: 1 });
  });

  it('fails an execution that runs past settings.timeoutMs', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Slow', type: 'httpRequest', parameters: { url: `${target.url}/status/503` }, retryOnFail: true, maxTries: 10, waitBetweenTries: 5000 },
      ],
      [['Start', 'Slow']],
      { settings: { timeoutMs: 1000 } },
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const started = Date.now();
    const answer = await fire(hook.id, {}).expect(500);
    expect(answer.body.error).toMatch(/timed out after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('records every node of a wide workflow and stores large outputs truncated', async () => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Big', type: 'set', parameters: { values: { blob: '{{ $pad("", 1100000, "x") }}' } } },
        { name: 'Size', type: 'set', parameters: { values: { length: '{{ $length($json.blob) }}' } } },
      ],
      [
        ['Start', 'Big'],
        ['Big', 'Size'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const answer = await fire(hook.id, {}).expect(200);
    expect(answer.body).toEqual({ length: 1100000 });
    const [execution] = (await t.http.get(`/executions/workflow/${workflow.id}?include=nodes`).set(t.admin)).body.items;
    expect(nodeRecord(execution, 'Big').output).toEqual({ truncated: true, bytes: expect.any(Number) });
    expect(nodeRecord(execution, 'Size').input).toEqual({ truncated: true, bytes: expect.any(Number) });
    expect(nodeRecord(execution, 'Size').output).toEqual({ length: 1100000 });
  });

  it('answers a manual run like lastNode, with the caller as user', async () => {
    const member = await t.createMember();
    const workflow = await createWorkflow(t, { ...scoreRouter(), active: false }, member.auth);
    const answer = await t.http.post(`/workflows/${workflow.id}/run`).set(member.auth).send({ body: { email: 'm@example.com', score: 99, name: 'M' } }).expect(200);
    expect(answer.body).toEqual({ to: 'm@example.com', subject: 'Hello M, your score is 99' });
    const list = await t.http.get(`/executions?workflowId=${workflow.id}`).set(member.auth).expect(200);
    expect(list.body.items[0]).toMatchObject({ mode: 'manual', userId: member.id, status: 'COMPLETED' });
    expect(list.body.items[0].nodeExecutions).toBeUndefined();
    const other = await t.createMember('other');
    await t.http.post(`/workflows/${workflow.id}/run`).set(other.auth).send({}).expect(404);
    await t.http.get(`/executions/${list.body.items[0].id}`).set(other.auth).expect(404);
    const otherList = await t.http.get(`/executions?workflowId=${workflow.id}`).set(other.auth).expect(200);
    expect(otherList.body.items).toEqual([]);
  });
});
