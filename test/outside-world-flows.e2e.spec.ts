import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCredential as createCredentialFor, createWebhook, createWorkflow, nodeRecord, scoreRouterHead, waitForExecution, workflowBody } from './support/factories.js';
import { FakeResend } from './support/fake-resend.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { until } from './support/until.js';

const RESEND_KEY = 're_test_flows_7c1d';
const BOT_TOKEN = '555000111:AAF-flows_token_9x8y';

/** One request as the hanging or counting server saw it, with when its socket closed. */
interface SeenRequest {
  url: string;
  arrivedAt: number;
  closedAt?: number;
}

/** A real HTTP server on 127.0.0.1 whose handler decides when (or whether) to answer. */
async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void) {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const record: SeenRequest = { url: req.url ?? '', arrivedAt: Date.now() };
    seen.push(record);
    req.socket.once('close', () => (record.closedAt ??= Date.now()));
    req.resume();
    handler(req, res, record);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function statusOf(t: TestApp, id: string): Promise<string> {
  return (await t.http.get(`/executions/${id}`).set(t.admin)).body.status;
}

describe('flows that touch the outside world end to end', () => {
  let t: TestApp;
  let resend: FakeResend;
  let telegram: FakeTelegram;
  let hanging: Awaited<ReturnType<typeof startServer>>;
  let counting: Awaited<ReturnType<typeof startServer>>;
  let inFlight = 0;
  let maxInFlight = 0;
  let releaseFirst: () => void = () => undefined;
  const firstReleased = new Promise<void>((resolve) => (releaseFirst = resolve));
  let resendId: string;
  let telegramId: string;

  beforeAll(async () => {
    resend = await FakeResend.start();
    telegram = await FakeTelegram.start(BOT_TOKEN);
    // Accepts every request and never answers: only the client can end it.
    hanging = await startServer(() => undefined);
    // Holds each request ~300 ms (the first one also until the test lets it go) and counts overlaps.
    counting = await startServer((_req, res, record) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const gate = counting.seen[0] === record ? firstReleased : Promise.resolve();
      void gate
        .then(() => new Promise((resolve) => setTimeout(resolve, 300)))
        .then(() => {
          inFlight -= 1;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ served: record.url }));
        });
    });
    t = await startTestApp({
      RESEND_API_URL: resend.url,
      TELEGRAM_API_URL: telegram.url,
      HTTP_ALLOWED_HOSTS: `127.0.0.1:${hanging.port},127.0.0.1:${counting.port}`,
    });
    resendId = await createCredential('resend', { apiKey: RESEND_KEY });
    telegramId = await createCredential('telegram', { botToken: BOT_TOKEN });
  });
  afterAll(async () => {
    releaseFirst();
    await t?.close();
    await Promise.all([resend?.close(), telegram?.close(), hanging?.close(), counting?.close()]);
  });
  beforeEach(() => {
    resend.reset();
    telegram.reset();
  });

  const createCredential = (type: string, data: Record<string, string>) => createCredentialFor(t, type, data);

  async function fire(workflowId: string, body: Record<string, unknown> = {}): Promise<string> {
    const hook = await createWebhook(t, workflowId);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send(body).expect(202);
    return accepted.body.executionId;
  }

  it('a wait resumed through the URL that an earlier node e-mailed', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          {
            name: 'Ask',
            type: 'sendEmail',
            credentials: { resend: { id: resendId } },
            parameters: { fromEmail: 'noreply@example.com', toEmail: 'boss@example.com', subject: 'Approve?', body: 'Approve: {{ $execution.resumeUrl }}' },
          },
          { name: 'Approval', type: 'wait', parameters: { mode: 'resume', timeoutMs: 60000 } },
          { name: 'After', type: 'set', parameters: { values: { approved: '{{ $json.body.approved }}', by: '{{ $json.body.by }}' } } },
        ],
        [
          ['Start', 'Ask'],
          ['Ask', 'Approval'],
          ['Approval', 'After'],
        ],
      ),
    );
    const executionId = await fire(workflow.id);
    await until('WAITING', async () => (await statusOf(t, executionId)) === 'WAITING');

    expect(resend.requests).toHaveLength(1);
    const text = String((resend.requests[0].json as { text?: unknown }).text);
    const match = /Approve: (\S+)/.exec(text);
    expect(match, text).not.toBeNull();
    const link = new URL(match![1]);
    expect(link.origin).toBe(new URL(t.config.publicUrl).origin);
    expect(link.pathname).toMatch(/^\/webhook\/resume\/.+/);

    await t.http.post(link.pathname).send({ approved: true, by: 'boss' }).expect(202, { executionId });
    const done = await waitForExecution(t, executionId);
    expect(done.status).toBe('COMPLETED');
    expect(nodeRecord(done, 'After')).toMatchObject({ status: 'SUCCESS', output: { approved: true, by: 'boss' } });
    expect(resend.requests).toHaveLength(1); // resuming does not mail again
  });

  it('cancel aborts an in-flight HTTP call promptly', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Call', type: 'httpRequest', parameters: { url: `${hanging.url}/never`, timeoutMs: 60000 } },
        ],
        [['Start', 'Call']],
      ),
    );
    const executionId = await fire(workflow.id);
    const request = await until('the request to reach the server', () => hanging.seen.find((r) => r.url === '/never'));
    expect(request.closedAt).toBeUndefined();

    const canceledAt = Date.now();
    const canceled = await t.http.post(`/executions/${executionId}/cancel`).set(t.admin).expect(200);
    expect(canceled.body.status).toBe('CANCELED');
    const final = await waitForExecution(t, executionId);
    expect(final.status).toBe('CANCELED');

    const closedAt = await until('the socket to close', () => request.closedAt, 5_000);
    expect(closedAt - canceledAt).toBeLessThan(2_000);
    expect(await statusOf(t, executionId)).toBe('CANCELED');
  });

  it('docs/workflows.md complex example with real node types', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          ...scoreRouterHead(),
          {
            name: 'Email',
            type: 'sendEmail',
            credentials: { resend: { id: resendId } },
            parameters: { fromEmail: 'noreply@example.com', toEmail: '{{ $trigger.body.email }}', subject: 'Your score', body: 'Hello {{ $trigger.body.name }}, your score is {{ $trigger.body.score }}' },
            retryOnFail: true,
            maxTries: 3,
            waitBetweenTries: 1000,
          },
          {
            name: 'Telegram',
            type: 'sendTelegram',
            credentials: { telegram: { id: telegramId } },
            parameters: { chatId: '{{ $trigger.body.chatId }}', message: 'Score: {{ $trigger.body.score }}' },
            continueOnFail: true,
          },
        ],
        [
          ['Webhook', 'Check score'],
          ['Check score', 'Email', 0],
          ['Check score', 'Telegram', 1],
        ],
        { settings: { timeoutMs: 300000 } },
      ),
    );

    const high = await waitForExecution(t, await fire(workflow.id, { email: 'ada@example.com', name: 'Ada', score: 95, chatId: 4242 }));
    expect(high.status).toBe('COMPLETED');
    expect(resend.requests).toHaveLength(1);
    expect(resend.requests[0].json).toMatchObject({ to: ['ada@example.com'], subject: 'Your score', text: 'Hello Ada, your score is 95' });
    expect(telegram.requests).toHaveLength(0);
    expect(nodeRecord(high, 'Email')).toMatchObject({ status: 'SUCCESS', output: { id: expect.stringMatching(/^email-/) } });
    expect(nodeRecord(high, 'Telegram')).toMatchObject({ status: 'SKIPPED' });

    resend.reset();
    telegram.reset();
    const low = await waitForExecution(t, await fire(workflow.id, { email: 'bob@example.com', name: 'Bob', score: 40, chatId: 4242 }));
    expect(low.status).toBe('COMPLETED');
    expect(telegram.requests).toHaveLength(1);
    expect(telegram.requests[0].json).toMatchObject({ chat_id: 4242, text: 'Score: 40' });
    expect(resend.requests).toHaveLength(0);
    expect(nodeRecord(low, 'Telegram')).toMatchObject({ status: 'SUCCESS', output: { messageId: expect.any(Number), chatId: 4242 } });
    expect(nodeRecord(low, 'Email')).toMatchObject({ status: 'SKIPPED' });
  });

  it('settings.concurrency 1 runs one execution of the workflow at a time; the rest wait PENDING', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Call', type: 'httpRequest', parameters: { url: `${counting.url}/hold/{{ $trigger.body.n }}` } },
        ],
        [['Start', 'Call']],
        { settings: { concurrency: 1 } },
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ n }).expect(202);
      ids.push(accepted.body.executionId);
    }

    // The first call is held at the server until the statuses have been read.
    await until('the first call to reach the server', () => counting.seen.length >= 1 || undefined);
    const statuses = await Promise.all(ids.map((id) => statusOf(t, id)));
    expect([...statuses].sort()).toEqual(['PENDING', 'PENDING', 'PENDING', 'RUNNING']);
    releaseFirst();

    const finals = await Promise.all(ids.map((id) => waitForExecution(t, id, t.admin, 20_000)));
    expect(finals.map((e) => e.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(counting.seen).toHaveLength(4);
    expect(new Set(counting.seen.map((r) => r.url))).toEqual(new Set(['/hold/1', '/hold/2', '/hold/3', '/hold/4']));
    expect(maxInFlight).toBe(1);
  });
});
