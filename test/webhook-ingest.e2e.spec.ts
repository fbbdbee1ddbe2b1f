import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriggerStats } from '../src/webhooks/ingest/trigger-stats.js';
import { WebhookIngestService } from '../src/webhooks/ingest/webhook-ingest.service.js';
import { createWebhook, createWorkflow, nodeRecord, scoreRouter, waitForExecution, workflowBody } from './support/factories.js';
import { proxyFor } from './support/tcp-proxy.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testDatabaseUrl } from './support/test-database.js';

const echo = (extraTrigger: Record<string, unknown> = {}) =>
  workflowBody([{ name: 'Hook', type: 'trigger', parameters: extraTrigger }, { name: 'Out', type: 'noOp' }], [['Hook', 'Out']]);

describe('webhook ingestion (docs/webhooks.md)', () => {
  let t: TestApp;
  /** Answers 503 at /status/503: an outside failure, which retryOnFail retries (waiting between tries). */
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ WEBHOOK_MAX_BODY_BYTES: '2048', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('answers 404 for unknown webhooks, inactive webhooks and inactive workflows', async () => {
    await t.http.post('/webhook/handler/0190b6a5-0000-7000-8000-000000000000').send({}).expect(404);
    await t.http.post('/webhook/handler/not-a-uuid').send({}).expect(404);
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id);
    await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    const unknown = await t.http.post('/webhook/handler/0190b6a5-0000-7000-8000-000000000000').send({}).expect(404);
    expect(unknown.body.message).toBe('Webhook 0190b6a5-0000-7000-8000-000000000000 not found');
    await t.http.patch(`/webhooks/${hook.id}`).set(t.admin).send({ active: false }).expect(200);
    const hookOff = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(404);
    expect(hookOff.body.message).toBe(`Webhook ${hook.id} does not run: it is not active; activate it with PATCH /webhooks/${hook.id} { "active": true }`);
    await t.http.patch(`/webhooks/${hook.id}`).set(t.admin).send({ active: true }).expect(200);
    await t.http.post(`/workflows/${workflow.id}/deactivate`).set(t.admin).expect(200);
    const response = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(response.body.message).toBe(`Webhook ${hook.id} does not run: its workflow ${workflow.id} is not active; activate it with POST /workflows/${workflow.id}/activate`);
  });

  it('answers 405 with Allow for a method the webhook does not register', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id, { method: 'PUT' });
    const response = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(405);
    expect(response.headers.allow).toBe('PUT');
    await t.http.put(`/webhook/handler/${hook.id}`).send({ ok: true }).expect(202);
  });

  it('parses bodies by their real content type', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const url = `/webhook/handler/${hook.id}`;
    const json = await t.http.post(url).set('Content-Type', 'application/json').send('{"a":[1,2]}').expect(200);
    expect(json.body.body).toEqual({ a: [1, 2] });
    const form = await t.http.post(url).set('Content-Type', 'application/x-www-form-urlencoded').send('a=1&b=x&b=y').expect(200);
    expect(form.body.body).toEqual({ a: '1', b: ['x', 'y'] });
    const text = await t.http.post(url).set('Content-Type', 'text/plain').send('hello').expect(200);
    expect(text.body.body).toBe('hello');
    const binary = await t.http.post(url).set('Content-Type', 'application/octet-stream').send(Buffer.from([0, 1, 2, 255])).expect(200);
    expect(binary.body.body).toEqual({ contentType: 'application/octet-stream', encoding: 'base64', data: 'AAEC/w==' });
    const query = await t.http.post(`${url}?page=2&tag=a`).send({}).expect(200);
    expect(query.body.query).toEqual({ page: '2', tag: 'a' });
    expect(query.body.method).toBe('POST');
  });

  it('rejects malformed JSON and oversized bodies without storing an execution', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id);
    const malformed = await t.http.post(`/webhook/handler/${hook.id}`).set('Content-Type', 'application/json').send('{"a":').expect(400);
    expect(malformed.body.message).toMatch(/Malformed JSON/);
    await t.http.post(`/webhook/handler/${hook.id}`).send({ big: 'x'.repeat(4096) }).expect(413);
    const list = await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('refuses a body holding NUL characters (which PostgreSQL cannot store) with 400, without failing the senders batched with it', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id);
    const send = (body: string) => t.http.post(`/webhook/handler/${hook.id}`).set('Content-Type', 'application/json').send(body);
    const answers = await Promise.all([send('{"a":"x\\u0000y"}'), ...Array.from({ length: 10 }, (_, i) => send(JSON.stringify({ n: i })))]);
    expect(answers.map((answer) => answer.status)).toEqual([400, ...Array(10).fill(202)]);
    expect(answers[0].body.message).toMatch(/NUL character/);
    await waitForExecution(t, answers[1].body.executionId);
  });

  it('validates requiredFields and the JSON schema of the trigger: 400 naming the fields, no execution', async () => {
    const workflow = await createWorkflow(
      t,
      echo({ requiredFields: ['email', 'score'], schema: { type: 'object', properties: { score: { type: 'number', maximum: 100 } } } }),
    );
    const hook = await createWebhook(t, workflow.id);
    const missing = await t.http.post(`/webhook/handler/${hook.id}`).send({ name: 'x' }).expect(400);
    expect(missing.body.message).toBe('Missing required fields: email, score');
    const wrongType = await t.http.post(`/webhook/handler/${hook.id}`).send({ email: 'a@b.c', score: 'high' }).expect(400);
    expect(JSON.stringify(wrongType.body.message)).toMatch(/score/);
    await t.http.post(`/webhook/handler/${hook.id}`).send({ email: 'a@b.c', score: 101 }).expect(400);
    const list = await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200);
    expect(list.body.items).toEqual([]);
    await t.http.post(`/webhook/handler/${hook.id}`).send({ email: 'a@b.c', score: 99 }).expect(202);
  });

  it('runs the schema\'s pattern and patternProperties in linear time: no ReDoS from a request body (docs/security.md)', async () => {
    // On backtracking RegExp, 31 `a`s and a `!` against ^(a+)+$ took 11 s with the event loop
    // blocked; 29 take about 3 s each for the pattern and the patternProperties key (exponential).
    const evil = '^(a+)+$';
    const workflow = await createWorkflow(
      t,
      echo({ schema: { type: 'object', properties: { name: { type: 'string', pattern: evil } }, patternProperties: { [evil]: { type: 'number' } } } }),
    );
    const hook = await createWebhook(t, workflow.id);
    const attack = `${'a'.repeat(29)}!`;
    const started = Date.now();
    const refused = await t.http.post(`/webhook/handler/${hook.id}`).send({ name: attack, [attack]: 'x' }).expect(400);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(JSON.stringify(refused.body.message)).toMatch(/body\/name: String does not match pattern/);
    // The patterns still do their job.
    await t.http.post(`/webhook/handler/${hook.id}`).send({ name: 'aaa', aa: 'not a number' }).expect(400);
    await t.http.post(`/webhook/handler/${hook.id}`).send({ name: 'aaa', aa: 1, b: 'free' }).expect(202);
  }, 60_000);

  it('refuses at save time a schema pattern the linear-time engine cannot run, naming node and field', async () => {
    const body = echo({ schema: { properties: { a: { items: { pattern: '^(?=x)y' } } }, patternProperties: { '(a)\\1': {} } } });
    const refused = await t.http.post('/workflows').set(t.admin).send(body).expect(400);
    const text = JSON.stringify(refused.body.message);
    expect(text).toMatch(/Hook.*schema\.properties\.a\.items\.pattern.*not supported/);
    expect(text).toMatch(/schema\.patternProperties/);
  });

  it('redacts secret headers in trigger data', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http
      .post(`/webhook/handler/${hook.id}`)
      .set('Authorization', 'Bearer super-secret-token')
      .set('Cookie', 'session=secret-cookie')
      .set('X-Hub-Signature-256', 'sha256=abc')
      .set('X-Custom', 'visible')
      .send({})
      .expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId);
    expect(execution.triggerData.headers['x-custom']).toBe('visible');
    expect(execution.triggerData.headers.authorization).toBe('[redacted]');
    expect(execution.triggerData.headers.cookie).toBe('[redacted]');
    expect(execution.triggerData.headers['x-hub-signature-256']).toBe('[redacted]');
    expect(JSON.stringify(execution)).not.toMatch(/super-secret-token|secret-cookie/);
  });

  it('returns the original execution for a redelivered idempotency key, also when copies arrive together', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id, { idempotencyHeader: 'X-GitHub-Delivery' });
    const first = await t.http.post(`/webhook/handler/${hook.id}`).set('X-GitHub-Delivery', 'delivery-1').send({ n: 1 }).expect(202);
    const again = await t.http.post(`/webhook/handler/${hook.id}`).set('X-GitHub-Delivery', 'delivery-1').send({ n: 1 }).expect(200);
    expect(again.body).toEqual({ executionId: first.body.executionId, status: expect.any(String), duplicate: true });

    const copies = await Promise.all(Array.from({ length: 20 }, () => t.http.post(`/webhook/handler/${hook.id}`).set('X-GitHub-Delivery', 'delivery-2').send({ n: 2 })));
    const created = copies.filter((response) => response.status === 202);
    const duplicates = copies.filter((response) => response.status === 200);
    expect(created).toHaveLength(1);
    expect(duplicates).toHaveLength(19);
    for (const duplicate of duplicates) expect(duplicate.body).toMatchObject({ executionId: created[0].body.executionId, duplicate: true });
    const rows = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM workflow_executions WHERE "webhookId" = $1', [hook.id]);
    expect(rows[0].n).toBe(2);
  });

  it('answers lastNode with the last output, 500 on failure, 202 on timeout', async () => {
    const workflow = await createWorkflow(t, scoreRouter());
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const ok = await t.http.post(`/webhook/handler/${hook.id}`).send({ email: 'a@b.c', score: 10 }).expect(200);
    expect(ok.body).toEqual({ message: 'Score: 10', checked: 10 });

    const failing = await createWorkflow(t, workflowBody([{ name: 'T', type: 'trigger' }, { name: 'Bad', type: 'set', parameters: { values: { x: '{{ $number("x") }}' } } }], [['T', 'Bad']]));
    const failingHook = await createWebhook(t, failing.id, { responseMode: 'lastNode' });
    const failed = await t.http.post(`/webhook/handler/${failingHook.id}`).send({}).expect(500);
    expect(failed.body).toMatchObject({ executionId: expect.any(String), error: expect.stringMatching(/Node "Bad" failed/) });

    const slow = await createWorkflow(
      t,
      workflowBody([{ name: 'T', type: 'trigger' }, { name: 'Slow', type: 'httpRequest', parameters: { url: `${target.url}/status/503` }, retryOnFail: true, maxTries: 2, waitBetweenTries: 2500 }], [['T', 'Slow']]),
    );
    const slowHook = await createWebhook(t, slow.id, { responseMode: 'lastNode', responseTimeoutMs: 1000 });
    const timedOut = await t.http.post(`/webhook/handler/${slowHook.id}`).send({}).expect(202);
    expect(timedOut.body).toEqual({ executionId: expect.any(String), status: 'RUNNING' });
  });

  it('commits a pure workflow\'s execution already finished: complete when the 2xx arrives, FAILED with its error, run once per idempotency key', async () => {
    const workflow = await createWorkflow(t, scoreRouter());
    const hook = await createWebhook(t, workflow.id, { idempotencyHeader: 'X-Delivery' });
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).set('X-Delivery', 'pure-1').send({ email: 'a@b.c', score: 95, name: 'Ada' }).expect(202);
    expect(accepted.body).toEqual({ executionId: expect.any(String), status: 'PENDING' });
    // Read once, right after the answer: no polling needed.
    const execution = (await t.http.get(`/executions/${accepted.body.executionId}`).set(t.admin).expect(200)).body;
    expect(execution).toMatchObject({ status: 'COMPLETED', error: null, startedAt: expect.any(String), completedAt: expect.any(String) });
    expect(execution.nodeExecutions.map((record: { nodeName: string; status: string }) => [record.nodeName, record.status])).toEqual([
      ['Webhook', 'SUCCESS'],
      ['Check score', 'SUCCESS'],
      ['Email', 'SUCCESS'],
      ['Telegram', 'SKIPPED'],
    ]);
    expect(nodeRecord(execution, 'Email').output).toEqual({ to: 'a@b.c', subject: 'Hello Ada, your score is 95' });
    // The request is stored once; every record that saw it reads it back whole.
    expect(execution.triggerData.body).toEqual({ email: 'a@b.c', score: 95, name: 'Ada' });
    for (const value of [nodeRecord(execution, 'Webhook').output, nodeRecord(execution, 'Check score').input, nodeRecord(execution, 'Check score').output, nodeRecord(execution, 'Email').input]) {
      expect(value).toEqual(execution.triggerData);
    }
    const again = await t.http.post(`/webhook/handler/${hook.id}`).set('X-Delivery', 'pure-1').send({ email: 'a@b.c', score: 95, name: 'Ada' }).expect(200);
    expect(again.body).toEqual({ executionId: accepted.body.executionId, status: 'COMPLETED', duplicate: true });
    const rows = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM workflow_executions WHERE "webhookId" = $1', [hook.id]);
    expect(rows[0].n).toBe(1);

    const failing = await createWorkflow(t, workflowBody([{ name: 'T', type: 'trigger' }, { name: 'Bad', type: 'set', parameters: { values: { x: '{{ $number("x") }}' } } }], [['T', 'Bad']]));
    const failingHook = await createWebhook(t, failing.id);
    const failed = await t.http.post(`/webhook/handler/${failingHook.id}`).send({}).expect(202);
    const record = (await t.http.get(`/executions/${failed.body.executionId}`).set(t.admin).expect(200)).body;
    expect(record).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^Node "Bad" failed: Expression error in parameter "values.x"/) });
  });

  it('queues a pure workflow that has a concurrency limit instead of running it before the commit', async () => {
    const limited = await createWorkflow(t, { ...scoreRouter(), settings: { concurrency: 1 } });
    const unlimited = await createWorkflow(t, scoreRouter());
    const ingest = t.app.get(WebhookIngestService);
    const db = t.app.get(DataSource);
    const statusAfterAnswer = async (workflowId: string) => {
      const hook = await createWebhook(t, workflowId);
      const answer = await ingest.ingest({ webhookId: hook.id, method: 'POST', raw: Buffer.from('{"email":"a@b.c","score":95}'), headers: { 'content-type': 'application/json' }, query: {} });
      // Read at once: a queued execution has not been claimed and run yet (its claim waits for the
      // next turn of the event loop), a pure run before the commit was stored finished.
      const [row] = await db.query('SELECT status FROM workflow_executions WHERE id = $1', [(answer.body as { executionId: string }).executionId]);
      return { id: (answer.body as { executionId: string }).executionId, status: row.status as string };
    };
    const queued = await statusAfterAnswer(limited.id);
    expect(['PENDING', 'RUNNING']).toContain(queued.status);
    expect((await statusAfterAnswer(unlimited.id)).status).toBe('COMPLETED');
    expect((await waitForExecution(t, queued.id)).status).toBe('COMPLETED');
  });

  it('enforces the per-webhook rate limit with Retry-After, leaving other webhooks alone', async () => {
    const workflow = await createWorkflow(t, echo());
    const limited = await createWebhook(t, workflow.id, { rateLimit: { limit: 2, windowSeconds: 60 } });
    const free = await createWebhook(t, workflow.id);
    await t.http.post(`/webhook/handler/${limited.id}`).send({}).expect(202);
    await t.http.post(`/webhook/handler/${limited.id}`).send({}).expect(202);
    const refused = await t.http.post(`/webhook/handler/${limited.id}`).send({}).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.post(`/webhook/handler/${free.id}`).send({}).expect(202);
  });

  it('keeps triggerCount and lastTriggeredAt without touching the rows per request', async () => {
    const workflow = await createWorkflow(t, echo());
    const hook = await createWebhook(t, workflow.id);
    for (let i = 0; i < 3; i++) await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    await t.app.get(TriggerStats).flush();
    const read = await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(200);
    expect(read.body.triggerCount).toBe(3);
    const webhook = await t.http.get(`/webhooks/${hook.id}`).set(t.admin).expect(200);
    expect(webhook.body.lastTriggeredAt).not.toBeNull();
  });
});

describe('webhook ingestion when the database is unreachable', () => {
  it('answers 503 with Retry-After, never 2xx, and recovers when the database is back', async () => {
    const proxy = proxyFor(await testDatabaseUrl());
    await proxy.start();
    const t = await startTestApp({ DATABASE_URL: proxy.wrap(await testDatabaseUrl()) });
    try {
      const workflow = await createWorkflow(t, echo());
      const hook = await createWebhook(t, workflow.id);
      await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
      await proxy.cut();
      const down = await t.http.post(`/webhook/handler/${hook.id}`).send({});
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(down.body)).not.toMatch(/ECONN|at .*\.js/);
      await t.http.get('/health/ready').expect(503);
      await t.http.get('/health/live').expect(200);
      await proxy.restore();
      let answer = 0;
      for (let i = 0; i < 50 && answer !== 202; i++) {
        answer = (await t.http.post(`/webhook/handler/${hook.id}`).send({})).status;
        if (answer !== 202) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(answer).toBe(202);
    } finally {
      await proxy.restore().catch(() => undefined);
      await t.close();
      await proxy.cut();
    }
  });
});

