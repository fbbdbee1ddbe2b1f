import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/app-config.js';
import { newId } from '../src/common/uuid.js';
import { ExecutionEngine } from '../src/engine/execution-engine.js';
import type { ClaimedExecution } from '../src/executions/executions.repository.js';
import { workflowBody } from './support/factories.js';
import { ADMIN_KEY, TEST_ENCRYPTION_KEY } from './support/test-app.js';
import { testDatabaseUrl } from './support/test-database.js';

type Line = Record<string, any>;

/**
 * The application as main.ts builds it, at LOG_LEVEL=info, its log lines captured instead of written
 * to stdout (startTestApp runs silent).
 */
describe('structured logs (docs/observability.md)', () => {
  const raw: string[] = [];
  let app: INestApplication;
  let http: TestAgent;
  const lines = (): Line[] => raw.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  /** Lines written from now on, once the request being awaited has been logged. */
  const after = async <T>(action: () => Promise<T>): Promise<{ result: T; logged: Line[] }> => {
    const from = raw.join('').length;
    const result = await action();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const text = raw.join('').slice(from);
    return { result, logged: text.split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
  };

  beforeAll(async () => {
    const config = loadConfig({
      DATABASE_URL: await testDatabaseUrl(),
      ADMIN_API_KEY: ADMIN_KEY,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: 'info',
      PORT: '0',
      DB_POOL_SIZE: '5',
    });
    app = await createApp(config, { logDestination: { write: (chunk: string) => void raw.push(chunk) } });
    await app.listen(0, '127.0.0.1');
    http = request(app.getHttpServer());
  });
  afterAll(() => app?.close());

  it('writes one JSON object per line, Nest start-up messages included', () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(3);
    for (const line of all) {
      expect(typeof line.time).toBe('string');
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(line.level);
      expect(typeof line.msg).toBe('string');
    }
    expect(all).toContainEqual(expect.objectContaining({ context: 'NestApplication', msg: 'Nest application successfully started' }));
  });

  it('logs failed requests with a request id, answered as X-Request-Id, and successful ones only at debug', async () => {
    const { result: ok, logged: quiet } = await after(() => http.get('/health/live').expect(200));
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(quiet.filter((line) => line.req?.url === '/health/live')).toEqual([]);

    const { result: missing, logged } = await after(() => http.get('/no/such/route').set('X-Request-Id', 'trace-abc.123').expect(404));
    expect(missing.headers['x-request-id']).toBe('trace-abc.123');
    const line = logged.find((entry) => entry.req?.url === '/no/such/route');
    expect(line).toMatchObject({ level: 'info', requestId: 'trace-abc.123', req: { method: 'GET' }, res: { statusCode: 404 } });
    expect(typeof line!.responseTime).toBe('number');
  });

  it('logs webhook requests (served outside Express) in the same shape, with the path only', async () => {
    const path = '/webhook/handler/0190b6a5-0000-7000-8000-000000000000';
    const { result, logged } = await after(() => http.post(`${path}?token=secret-in-query`).set('X-Request-Id', 'hook-trace-1').send({}).expect(404));
    expect(result.headers['x-request-id']).toBe('hook-trace-1');
    const line = logged.find((entry) => entry.req?.url === path);
    expect(line).toMatchObject({ level: 'info', requestId: 'hook-trace-1', req: { method: 'POST', id: 'hook-trace-1' }, res: { statusCode: 404 }, msg: expect.stringMatching(new RegExp(`^POST ${path} 404 in \\d+ ms$`)) });
    expect(typeof line!.responseTime).toBe('number');
    expect(JSON.stringify(logged)).not.toContain('secret-in-query');
  });

  it('replaces an X-Request-Id that is not a short token', async () => {
    const forged = 'abc" "level":"fatal';
    const { result, logged } = await after(() => http.get('/no/such/route').set('X-Request-Id', forged).expect(404));
    expect(result.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged.find((entry) => entry.req?.url === '/no/such/route')?.requestId).toBe(result.headers['x-request-id']);
    await after(() => http.get('/no/such/route').set('X-Request-Id', 'x'.repeat(101)).expect(404)).then(({ result: long }) => expect(long.headers['x-request-id']).toHaveLength(36));
  });

  it('keeps secrets out: authorization, cookies, custom auth headers, query strings and resume tokens', async () => {
    const { logged } = await after(async () => {
      await http.get('/workflows').set('Authorization', 'Bearer wfe_secret_admin_key_in_header_000000000').set('Cookie', 'session=cookie-secret-123').expect(401);
      await http.post(`/webhook/handler/${newId()}?token=query-secret-456`).set('X-Signature', 'sig-secret-789').set('X-My-Api-Key', 'header-secret-abc').send({}).expect(404);
      await http.post('/webhook/resume/resume-token-secret-def').send({}).expect((response) => expect(response.status).toBeGreaterThanOrEqual(400));
    });
    const text = JSON.stringify(logged);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    for (const secret of ['wfe_secret_admin_key', 'cookie-secret-123', 'query-secret-456', 'sig-secret-789', 'header-secret-abc', 'resume-token-secret-def']) {
      expect(text).not.toContain(secret);
    }
    expect(logged.map((line) => line.req?.url)).toContain('/webhook/resume/[redacted]');
  });

  it('redacts credential fields and auth headers in objects the application logs, without touching them', async () => {
    const logged = {
      msg: 'credential check',
      credential: { apiKey: 're_live_secret', data: { name: 'X-Key', value: 'header-value-secret' } },
      request: { data: { botToken: '123:bot-secret', password: 'pw-secret' }, headers: { Authorization: 'Bearer auth-secret', 'X-Hub-Signature-256': 'sha256=sig', accept: 'json' } },
      rule: { field: 'score', value: 90 },
    };
    const { logged: lines } = await after(async () => new Logger('Test').log(logged));
    const line = lines.find((entry) => entry.msg === 'credential check')!;
    expect(line.context).toBe('Test');
    expect(line.credential).toEqual({ apiKey: '[redacted]', data: { name: 'X-Key', value: '[redacted]' } });
    expect(line.request.data).toEqual({ botToken: '[redacted]', password: '[redacted]' });
    expect(line.request.headers).toEqual({ Authorization: '[redacted]', 'X-Hub-Signature-256': '[redacted]', accept: 'json' });
    // `value` outside credential data is ordinary data (a condition rule here).
    expect(line.rule).toEqual({ field: 'score', value: 90 });
    expect(logged.credential.apiKey).toBe('re_live_secret');
  });

  it('puts executionId and workflowId on engine log lines as fields', async () => {
    const executionId = newId();
    const claimed = { id: executionId, workflowId: 'not-a-uuid', workflowVersion: 1, webhookId: null, userId: newId(), mode: 'webhook', triggerData: null, nodeExecutions: [], attempt: 1, startedAt: new Date() };
    const { logged } = await after(() => app.get(ExecutionEngine).executeWorkflow(claimed as unknown as ClaimedExecution));
    const line = logged.find((entry) => entry.executionId === executionId);
    expect(line).toMatchObject({ level: 'error', context: 'ExecutionEngine', executionId, workflowId: 'not-a-uuid' });
  });

  describe('executions (docs/observability.md)', () => {
    const failing = { name: 'Boom', type: 'set', parameters: { values: { n: '{{ $number("x") }}' } } };
    const create = async (body: Record<string, unknown>) => (await http.post('/workflows').set(admin).send(body).expect(201)).body.id as string;
    const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

    it('logs a webhook run’s end at info with its ids, mode, status and duration', async () => {
      const workflowId = await create(workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Copy', type: 'set', parameters: { values: { a: '{{ $context.a }}' } } }], [['Start', 'Copy']]));
      const hook = (await http.post('/webhooks').set(admin).send({ workflowId, method: 'POST' }).expect(201)).body.id;
      const { result, logged } = await after(() => http.post(`/webhook/handler/${hook}`).send({ a: 1 }).expect(202));
      const line = logged.find((entry) => entry.executionId === result.body.executionId);
      expect(line).toMatchObject({ level: 'info', msg: 'Execution finished', context: 'ExecutionEngine', workflowId, mode: 'webhook', status: 'COMPLETED' });
      expect(typeof line!.durationMs).toBe('number');
    });

    it('logs a failed manual run at warn naming the node, and no made-up error with a stack', async () => {
      const workflowId = await create(workflowBody([{ name: 'Start', type: 'trigger' }, failing], [['Start', 'Boom']]));
      const { result, logged } = await after(() => http.post(`/workflows/${workflowId}/run`).set(admin).send({ body: {} }).expect(500));
      const executionId = result.body.executionId;
      const end = logged.find((entry) => entry.executionId === executionId && entry.msg === 'Execution failed');
      expect(end).toMatchObject({ level: 'warn', workflowId, mode: 'manual', status: 'FAILED', nodeName: 'Boom', error: expect.stringContaining('Node "Boom" failed: Expression error') });
      expect(typeof end!.durationMs).toBe('number');
      const request = logged.find((entry) => entry.req?.url === `/workflows/${workflowId}/run`);
      expect(request).toMatchObject({ level: 'error', res: { statusCode: 500 } });
      expect(request!.err).toBeUndefined();
      expect(JSON.stringify(logged)).not.toContain('failed with status code');
      expect(JSON.stringify(logged)).not.toContain('pino-http');
    });

    it('logs a node failure under continueOnFail at warn with nodeName, the execution’s end at info', async () => {
      const workflowId = await create(workflowBody([{ name: 'Start', type: 'trigger' }, { ...failing, continueOnFail: true }], [['Start', 'Boom']]));
      const { result, logged } = await after(() => http.post(`/workflows/${workflowId}/run`).set(admin).send({ body: {} }).expect(200));
      const node = logged.find((entry) => entry.nodeName === 'Boom' && entry.workflowId === workflowId);
      expect(node).toMatchObject({ level: 'warn', nodeType: 'set', attempts: 1, error: expect.stringContaining('Expression error') });
      const end = logged.find((entry) => entry.executionId === node!.executionId && entry.msg === 'Execution finished');
      expect(end).toMatchObject({ level: 'info', status: 'COMPLETED', mode: 'manual' });
      expect(result.body).toEqual({ error: expect.any(String) });
    });

    it('logs a cancel at info', async () => {
      const workflowId = await create(workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 60000 } }], [['Start', 'Pause']]));
      const hook = (await http.post('/webhooks').set(admin).send({ workflowId, method: 'POST' }).expect(201)).body.id;
      const { executionId } = (await http.post(`/webhook/handler/${hook}`).send({}).expect(202)).body;
      for (let i = 0; i < 200 && (await http.get(`/executions/${executionId}`).set(admin)).body.status !== 'WAITING'; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      const { logged } = await after(() => http.post(`/executions/${executionId}/cancel`).set(admin).expect(200));
      expect(logged.find((entry) => entry.executionId === executionId)).toMatchObject({ level: 'info', msg: 'Execution canceled', status: 'CANCELED', workflowId, mode: 'webhook' });
    });
  });
});
