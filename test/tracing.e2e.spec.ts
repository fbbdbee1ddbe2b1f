import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { newId } from '../src/common/uuid.js';
import { ExecutionsRepository } from '../src/executions/executions.repository.js';
import { loggerParams } from '../src/logging/logger-options.js';
import { stopTracing, tracer } from '../src/tracing/tracing.js';
import { createCredential, createWebhook, createWorkflow, nodeRecord, waitForExecution, waitForStatus, workflowBody } from './support/factories.js';
import { FakeResend } from './support/fake-resend.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { startHttpTarget } from './support/http-target.js';
import { OtlpReceiver, SPAN_KIND, type ReceivedSpan } from './support/otlp-receiver.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { deleteRedisKeys } from './support/redis-keys.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const BOT_TOKEN = '123456789:AAE-canary_bot_token_7d1e';
const RESEND_KEY = 're_canary_resend_key_4c2b';
const HEADER_SECRET = 'canary-header-secret-9f3a';
const QUERY_SECRET = 'canary-query-secret-2e8d';

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId);
const executionSpan = (spans: ReceivedSpan[], executionId: string, status?: string) =>
  spans.find((span) => span.name === 'workflow.execute' && span.attributes['execution.id'] === executionId && (!status || span.attributes['execution.status'] === status));

/** docs/observability.md: OpenTelemetry spans from the caller's traceparent to the outgoing call, exported over OTLP/HTTP JSON. */
describe('tracing (OpenTelemetry, OTLP/HTTP JSON to an in-process receiver)', () => {
  let receiver: OtlpReceiver;
  let target: RecordingServer;
  let resend: FakeResend;
  let telegram: FakeTelegram;
  let t: TestApp;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    target = await startHttpTarget();
    resend = await FakeResend.start();
    telegram = await FakeTelegram.start(BOT_TOKEN);
    t = await startTestApp(
      receiver.env({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}`, RESEND_API_URL: resend.url, TELEGRAM_API_URL: telegram.url, OTEL_SERVICE_NAME: 'wfe-test', EXECUTION_SWEEP_INTERVAL_MS: '200' }),
    );
  });
  afterAll(async () => {
    await t?.close();
    // The SDK is process-wide: stopped, so that nothing of it outlives this file.
    await stopTracing();
    await Promise.all([receiver?.close(), target?.close(), resend?.close(), telegram?.close()]);
  });

  it('continues the caller\'s traceparent: server span → workflow.execute → node.execute → client span, and sends traceparent onward', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Call', type: 'httpRequest', parameters: { url: `${target.url}/echo/traced` } },
          { name: 'Shape', type: 'set', parameters: { values: { status: '{{ $json.status }}' } } },
        ],
        [
          ['Start', 'Call'],
          ['Call', 'Shape'],
        ],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const before = target.requests.length;
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).set('traceparent', `00-${CALLER_TRACE}-${CALLER_SPAN}-01`).send({ a: 1 }).expect(202);
    const executionId = accepted.body.executionId as string;
    expect((await waitForExecution(t, executionId)).status).toBe('COMPLETED');
    const spans = await receiver.waitFor((all) => executionSpan(all, executionId, 'COMPLETED') !== undefined);

    const server = spans.find((span) => span.kind === SPAN_KIND.SERVER && span.traceId === CALLER_TRACE)!;
    expect(server).toMatchObject({ parentSpanId: CALLER_SPAN, name: 'POST /webhook/handler/:id', serviceName: 'wfe-test' });
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/webhook/handler/:id', 'http.response.status_code': 202, 'webhook.id': hook.id });

    const run = executionSpan(spans, executionId)!;
    expect(run).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: server.spanId, kind: SPAN_KIND.INTERNAL });
    expect(run.attributes).toMatchObject({ 'workflow.id': workflow.id, 'workflow.name': expect.stringMatching(/^wf-/), 'execution.id': executionId, 'execution.mode': 'webhook', 'execution.status': 'COMPLETED', 'execution.resumed': false });

    const nodes = childrenOf(spans, run);
    expect(nodes.map((span) => [span.name, span.attributes['node.name'], span.attributes['node.type'], span.attributes['node.status'], span.attributes['node.attempt']]).sort()).toEqual([
      ['node.execute', 'Call', 'httpRequest', 'SUCCESS', 1],
      ['node.execute', 'Shape', 'set', 'SUCCESS', 1],
      ['node.execute', 'Start', 'trigger', 'SUCCESS', 1],
    ]);
    const callNode = nodes.find((span) => span.attributes['node.name'] === 'Call')!;
    const [client] = childrenOf(spans, callNode);
    expect(client).toMatchObject({ name: 'GET', kind: SPAN_KIND.CLIENT });
    expect(client.attributes).toEqual({ 'http.request.method': 'GET', 'url.full': `${target.url}/echo/traced`, 'server.address': '127.0.0.1', 'server.port': target.port, 'http.response.status_code': 200 });

    // The outside call carries the trace on: the target sees the client span as its parent.
    expect(target.requests[before].headers.traceparent).toBe(`00-${CALLER_TRACE}-${client.spanId}-01`);
  });

  it('traces a pure workflow run before its commit as a child of the ingest span, answered in the same request', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Echo', type: 'set', parameters: { values: { a: '{{ $json.body.a }}' } } }], [['Start', 'Echo']]));
    const hook = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    await t.http.post(`/webhook/handler/${hook.id}`).send({ a: 7 }).expect(200, { a: 7 });
    const spans = await receiver.waitFor((all) => all.some((span) => span.name === 'workflow.execute' && span.attributes['workflow.id'] === workflow.id));
    const run = spans.find((span) => span.name === 'workflow.execute' && span.attributes['workflow.id'] === workflow.id)!;
    const server = spans.find((span) => span.spanId === run.parentSpanId)!;
    expect(server.kind).toBe(SPAN_KIND.SERVER);
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(run.attributes['execution.status']).toBe('COMPLETED');
    expect(childrenOf(spans, run).map((span) => span.attributes['node.name']).sort()).toEqual(['Echo', 'Start']);
  });

  it('shows each try of a retried node as its own node.execute span with its attempt, failures marked', async () => {
    const key = `tr-${Date.now()}`;
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Flaky', type: 'httpRequest', retryOnFail: true, maxTries: 3, waitBetweenTries: 10, parameters: { url: `${target.url}/flaky/${key}?failures=2` } },
        ],
        [['Start', 'Flaky']],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body;
    expect((await waitForExecution(t, executionId)).status).toBe('COMPLETED');
    const spans = await receiver.waitFor((all) => executionSpan(all, executionId, 'COMPLETED') !== undefined);
    const run = executionSpan(spans, executionId)!;
    const tries = childrenOf(spans, run).filter((span) => span.attributes['node.name'] === 'Flaky');
    tries.sort((a, b) => Number(a.attributes['node.attempt']) - Number(b.attributes['node.attempt']));
    expect(tries.map((span) => [span.attributes['node.attempt'], span.attributes['node.status'], span.attributes['error.type'], span.status.code ?? 0])).toEqual([
      [1, 'FAILED', 'node_error', 2],
      [2, 'FAILED', 'node_error', 2],
      [3, 'SUCCESS', undefined, 0],
    ]);
    expect(tries[0].status.message).toMatch(/^HTTP 500/);
    // Each try's outside call is a client span of that try, the failing ones with their status code.
    expect(tries.map((span) => childrenOf(spans, span)[0]?.attributes['http.response.status_code'])).toEqual([500, 500, 200]);
    expect(childrenOf(spans, tries[0])[0].attributes['error.type']).toBe('500');
  });

  it('links the run that continues a wait to the ingest that started it, in a trace of its own', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Link', type: 'set', parameters: { values: { url: '{{ $execution.resumeUrl }}' } } },
          { name: 'Approval', type: 'wait', parameters: { mode: 'resume', timeoutMs: 60000 } },
          { name: 'After', type: 'set', parameters: { values: { ok: true } } },
        ],
        [
          ['Start', 'Link'],
          ['Link', 'Approval'],
          ['Approval', 'After'],
        ],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).set('traceparent', `00-${CALLER_TRACE.replace(/^4/, '5')}-${CALLER_SPAN}-01`).send({}).expect(202)).body;
    const waiting = await waitForStatus(t, executionId, ['WAITING']);
    const first = executionSpan(await receiver.waitFor((all) => executionSpan(all, executionId, 'WAITING') !== undefined), executionId, 'WAITING')!;
    expect(first.traceId).toBe(CALLER_TRACE.replace(/^4/, '5'));
    expect(childrenOf(receiver.spans, first).find((span) => span.attributes['node.name'] === 'Approval')?.attributes['node.status']).toBe('WAITING');

    await t.http.post(new URL(nodeRecord(waiting, 'Link').output.url).pathname).send({}).expect(202);
    expect((await waitForExecution(t, executionId)).status).toBe('COMPLETED');
    const spans = await receiver.waitFor((all) => executionSpan(all, executionId, 'COMPLETED') !== undefined);
    const resumed = executionSpan(spans, executionId, 'COMPLETED')!;
    expect(resumed.attributes['execution.resumed']).toBe(true);
    expect(resumed.traceId).not.toBe(first.traceId);
    expect(resumed.parentSpanId).toBeUndefined();
    expect(resumed.links).toEqual([{ traceId: first.traceId, spanId: first.parentSpanId, attributes: { 'link.reason': 'resumed_wait' } }]);
    expect(childrenOf(spans, resumed).map((span) => span.attributes['node.name'])).toContain('After');
  });

  it('continues the stored trace in a recovered run (its owner died mid-run, the sweep took it over)', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Call', type: 'httpRequest', parameters: { url: `${target.url}/echo/recovered` } }], [['Start', 'Call']]));
    const db = t.app.get(DataSource);
    const [{ ownerId }] = await db.query('SELECT "ownerId" FROM workflows WHERE id = $1', [workflow.id]);
    const storedTrace = 'c'.repeat(31) + '2';
    const storedSpan = 'd'.repeat(16);
    const id = newId();
    const triggerData = { body: {}, headers: {}, query: {}, method: 'POST', receivedAt: new Date().toISOString() };
    await t.app.get(ExecutionsRepository).insertMany([
      { id, workflowId: workflow.id, workflowVersion: workflow.version, webhookId: null, userId: ownerId, mode: 'webhook', triggerData, idempotencyKey: null, retryOf: null, createdAt: new Date(), traceContext: `00-${storedTrace}-${storedSpan}-01` },
    ]);
    // What a process that died mid-run leaves: RUNNING, its lease over.
    await db.query(`UPDATE workflow_executions SET status = 'RUNNING', attempt = 1, "startedAt" = now(), "leaseOwner" = 'dead-worker', "leaseExpiresAt" = now() - interval '1 second' WHERE id = $1`, [id]);
    expect((await waitForExecution(t, id)).status).toBe('COMPLETED');
    const spans = await receiver.waitFor((all) => executionSpan(all, id, 'COMPLETED') !== undefined);
    const run = executionSpan(spans, id)!;
    expect(run).toMatchObject({ traceId: storedTrace, parentSpanId: storedSpan });
    expect(run.attributes).toMatchObject({ 'execution.attempt': 2, 'execution.resumed': false });
    expect(childrenOf(spans, run).map((span) => span.attributes['node.name']).sort()).toEqual(['Call', 'Start']);
  });

  it('puts no secret in any span: credential values, the bot token and URL query secrets stay out', async () => {
    const header = await createCredential(t, 'httpHeaderAuth', { name: 'X-Api-Key', value: HEADER_SECRET });
    const resendId = await createCredential(t, 'resend', { apiKey: RESEND_KEY });
    const telegramId = await createCredential(t, 'telegram', { botToken: BOT_TOKEN });
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Call', type: 'httpRequest', credentials: { httpHeaderAuth: { id: header } }, parameters: { url: `${target.url}/status/403?key=${QUERY_SECRET}`, authentication: 'httpHeaderAuth' }, continueOnFail: true },
          { name: 'Email', type: 'sendEmail', credentials: { resend: { id: resendId } }, parameters: { fromEmail: 'noreply@example.com', toEmail: 'ada@example.com', subject: 'Hi', body: 'Hello' } },
          { name: 'Telegram', type: 'sendTelegram', credentials: { telegram: { id: telegramId } }, parameters: { chatId: 42, message: 'Hello' } },
        ],
        [
          ['Start', 'Call'],
          ['Call', 'Email'],
          ['Email', 'Telegram'],
        ],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}?token=${QUERY_SECRET}`).send({}).expect(202)).body;
    expect((await waitForExecution(t, executionId)).status).toBe('COMPLETED');
    const spans = await receiver.waitFor((all) => executionSpan(all, executionId, 'COMPLETED') !== undefined);
    const clients = spans.filter((span) => span.kind === SPAN_KIND.CLIENT && span.traceId === executionSpan(spans, executionId)!.traceId);
    expect(clients.map((span) => span.attributes['url.full']).sort()).toEqual([`${resend.url}/emails`, `${target.url}/status/403`, `${telegram.url}/bot[redacted]/sendMessage`].sort());
    expect(telegram.requests.length).toBeGreaterThan(0);
    // Whatever was exported, as sent over the wire.
    const exported = receiver.rawBodies.join('\n');
    for (const secret of [HEADER_SECRET, RESEND_KEY, BOT_TOKEN, BOT_TOKEN.split(':')[1], QUERY_SECRET]) expect(exported).not.toContain(secret);
  });

  it('writes trace_id and span_id into log lines while a span is active', () => {
    const options = (loggerParams(t.config).pinoHttp as { mixin?: () => Record<string, string> }) ?? {};
    expect(options.mixin).toBeTypeOf('function');
    expect(options.mixin!()).toEqual({});
    const span = tracer!.startSpan('log-test');
    const ids = context.with(trace.setSpan(context.active(), span), () => options.mixin!());
    span.end();
    expect(ids).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
  });

  describe('queue mode: an api process ingests, a worker runs', () => {
    const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
    const prefix = `wfe_test_tracing_${process.pid}_${Date.now()}`;
    const apps: TestApp[] = [];
    beforeAll(async () => {
      // The single server shares this database: its sweep (every 200 ms) would find the api's PENDING
      // rows and run them beside the worker, a second run of the same execution.
      await t.close();
    });
    afterAll(async () => {
      for (const app of apps.reverse()) await app.close();
      await deleteRedisKeys(redisUrl, prefix);
    });

    it('continues the ingest\'s trace in the worker through the context stored with the execution', async () => {
      const env = receiver.env({ REDIS_URL: redisUrl, REDIS_PREFIX: prefix, EXECUTION_SWEEP_INTERVAL_MS: '600000', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
      const api = await startTestApp({ ...env, APP_ROLE: 'api' });
      apps.push(api);
      const worker = await startTestApp({ ...env, APP_ROLE: 'worker' });
      apps.push(worker);
      const workflow = await createWorkflow(api, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Echo', type: 'set', parameters: { values: { a: '{{ $json.body.a }}' } } }], [['Start', 'Echo']]));
      const hook = await createWebhook(api, workflow.id);
      const trace = 'a'.repeat(31) + '1';
      const { executionId } = (await api.http.post(`/webhook/handler/${hook.id}`).set('traceparent', `00-${trace}-${CALLER_SPAN}-01`).send({ a: 1 }).expect(202)).body;
      expect((await waitForExecution(api, executionId)).status).toBe('COMPLETED');
      const spans = await receiver.waitFor((all) => executionSpan(all, executionId, 'COMPLETED') !== undefined);
      const server = receiver.inTrace(trace).find((span) => span.kind === SPAN_KIND.SERVER)!;
      expect(server.parentSpanId).toBe(CALLER_SPAN);
      const run = executionSpan(spans, executionId)!;
      expect(run).toMatchObject({ traceId: trace, parentSpanId: server.spanId });
      expect(childrenOf(spans, run).map((span) => span.attributes['node.name']).sort()).toEqual(['Echo', 'Start']);
      // Only one run: the api role stores and queues, the worker runs.
      expect(spans.filter((span) => span.name === 'workflow.execute' && span.attributes['execution.id'] === executionId)).toHaveLength(1);
    });
  });
});
