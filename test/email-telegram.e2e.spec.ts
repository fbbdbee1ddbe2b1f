import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCredential as createCredentialFor, createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody, type NodeSpec } from './support/factories.js';
import { FakeResend } from './support/fake-resend.js';
import { FakeTelegram } from './support/fake-telegram.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const RESEND_KEY = 're_test_5f8a1c2e9d';
const BOT_TOKEN = '123456789:AAE-test_token_0a1b2c3d4e';

describe('sendEmail and sendTelegram nodes (docs/nodes.md) against fake Resend and Telegram', () => {
  let t: TestApp;
  let resend: FakeResend;
  let telegram: FakeTelegram;
  let target: RecordingServer;
  let resendId: string;
  let telegramId: string;

  beforeAll(async () => {
    resend = await FakeResend.start();
    telegram = await FakeTelegram.start(BOT_TOKEN);
    target = await startHttpTarget();
    t = await startTestApp({ RESEND_API_URL: resend.url, TELEGRAM_API_URL: telegram.url, HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
    resendId = await createCredential('resend', { apiKey: RESEND_KEY });
    telegramId = await createCredential('telegram', { botToken: BOT_TOKEN });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([resend.close(), telegram.close(), target.close()]);
  });
  beforeEach(() => {
    resend.reset();
    telegram.reset();
  });

  const createCredential = (type: string, data: Record<string, string>) => createCredentialFor(t, type, data);

  const emailNode = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): NodeSpec => ({
    name: 'Email',
    type: 'sendEmail',
    credentials: { resend: { id: resendId } },
    parameters: { fromEmail: 'noreply@example.com', toEmail: 'ada@example.com', subject: 'Hi', body: 'Hello', ...parameters },
    ...extra,
  });
  const telegramNode = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): NodeSpec => ({
    name: 'Telegram',
    type: 'sendTelegram',
    credentials: { telegram: { id: telegramId } },
    parameters: { chatId: 42, message: 'Hello', ...parameters },
    ...extra,
  });

  /** trigger → the given node; returns the finished execution and its JSON as the API serves it. */
  async function runSingle(node: NodeSpec, triggerBody: Record<string, unknown> = {}) {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, node], [['Start', node.name]]));
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send(triggerBody).expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId, t.admin, 30_000);
    const served = await t.http.get(`/executions/${execution.id}`).set(t.admin).expect(200);
    return { execution, record: nodeRecord(execution, node.name), servedJson: JSON.stringify(served.body) };
  }

  it('runs trigger → httpRequest → sendEmail ‖ sendTelegram with parameters rendered from expressions', async () => {
    const body = workflowBody(
      [
        { name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['userId', 'score', 'chatId'] } },
        { name: 'Fetch user', type: 'httpRequest', parameters: { url: `${target.url}/echo/users`, query: { id: '{{ $trigger.body.userId }}' } } },
        emailNode({
          toEmail: '{{ $trigger.body.email }}, boss@example.com',
          cc: ['cc1@example.com', 'cc2@example.com'],
          replyTo: 'support@example.com',
          subject: 'Your score, {{ $trigger.body.name }}',
          body: 'Hello {{ $trigger.body.name }}, your score is {{ $trigger.body.score }} (user {{ $node.`Fetch user`.data.url }})',
          html: '<p>Score: <b>{{ $trigger.body.score }}</b></p>',
        }),
        telegramNode({ chatId: '{{ $trigger.body.chatId }}', message: 'Score: {{ $trigger.body.score }}', parseMode: 'HTML', disableNotification: true }),
      ],
      [
        ['Webhook', 'Fetch user'],
        ['Fetch user', 'Email'],
        ['Fetch user', 'Telegram'],
      ],
    );
    const workflow = await createWorkflow(t, body);
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http
      .post(`/webhook/handler/${hook.id}`)
      .send({ userId: 7, score: 95, chatId: 555001, name: 'Ada', email: 'ada@example.com' })
      .expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId);
    expect(execution.status).toBe('COMPLETED');

    expect(resend.requests).toHaveLength(1);
    const mail = resend.requests[0];
    expect(mail.method).toBe('POST');
    expect(mail.url).toBe('/emails');
    expect(mail.headers.authorization).toBe(`Bearer ${RESEND_KEY}`);
    expect(mail.headers['idempotency-key']).toBe(`${execution.id}:n2`);
    expect(mail.headers['content-type']).toBe('application/json');
    expect(mail.json).toEqual({
      from: 'noreply@example.com',
      to: ['ada@example.com', 'boss@example.com'],
      cc: ['cc1@example.com', 'cc2@example.com'],
      reply_to: ['support@example.com'],
      subject: 'Your score, Ada',
      text: 'Hello Ada, your score is 95 (user /echo/users?id=7)',
      html: '<p>Score: <b>95</b></p>',
    });

    expect(telegram.requests).toHaveLength(1);
    const message = telegram.requests[0];
    expect(message.url).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(message.json).toEqual({ chat_id: 555001, text: 'Score: 95', parse_mode: 'HTML', disable_notification: true });

    const email = nodeRecord(execution, 'Email');
    expect(email).toMatchObject({ status: 'SUCCESS', attempts: 1, output: { id: expect.stringMatching(/^email-/) } });
    expect(Object.keys(email.output)).toEqual(['id']);
    const sent = nodeRecord(execution, 'Telegram');
    expect(sent).toMatchObject({ status: 'SUCCESS', output: { messageId: expect.any(Number), chatId: 555001, date: expect.any(Number) } });
    expect(Object.keys(sent.output).sort()).toEqual(['chatId', 'date', 'messageId']);

    const servedJson = JSON.stringify((await t.http.get(`/executions/${execution.id}`).set(t.admin).expect(200)).body);
    expect(servedJson).not.toContain(RESEND_KEY);
    expect(servedJson).not.toContain(BOT_TOKEN);
  });

  it('accepts address lists as arrays and keeps a quoted display name with a comma whole', async () => {
    const { record } = await runSingle(emailNode({ toEmail: ['a@example.com', 'b@example.com, c@example.com'], bcc: '"Doe, Jane" <jane@example.com>, x@example.com', body: undefined, html: '<b>hi</b>' }));
    expect(record.status).toBe('SUCCESS');
    expect(resend.requests[0].json).toEqual({
      from: 'noreply@example.com',
      to: ['a@example.com', 'b@example.com', 'c@example.com'],
      bcc: ['"Doe, Jane" <jane@example.com>', 'x@example.com'],
      subject: 'Hi',
      html: '<b>hi</b>',
    });
  });

  it('waits for Resend’s Retry-After on 429 and then sends, with the same Idempotency-Key', async () => {
    resend.failNext(1, { status: 429, headers: { 'retry-after': '1' }, body: { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests' } });
    const { record, execution } = await runSingle(emailNode({}));
    expect(record).toMatchObject({ status: 'SUCCESS', attempts: 1, output: { id: expect.any(String) } });
    expect(resend.requests).toHaveLength(2);
    expect(resend.requests[1].receivedAt - resend.requests[0].receivedAt).toBeGreaterThanOrEqual(900);
    expect(resend.requests.map((r) => r.headers['idempotency-key'])).toEqual([`${execution.id}:n1`, `${execution.id}:n1`]);
  });

  it('under forEach, mails each element with an Idempotency-Key of execution, node and index', async () => {
    const { record, execution } = await runSingle(emailNode({ toEmail: '{{ $item }}', subject: 'Hi {{ $index }}' }, { forEach: '{{ $trigger.body.to }}' }), { to: ['a@example.com', 'b@example.com'] });
    expect(record.status).toBe('SUCCESS');
    expect(resend.requests.map((r) => [(r.json as { to: string[] }).to, r.headers['idempotency-key']])).toEqual([
      [['a@example.com'], `${execution.id}:n1:0`],
      [['b@example.com'], `${execution.id}:n1:1`],
    ]);
  });

  it('surfaces Resend’s error message and does not retry a 422', async () => {
    resend.failNext(1, { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field. The email address needs to follow the `email@example.com` format.' } });
    const { record, execution } = await runSingle(emailNode({ toEmail: 'not-an-address' }));
    expect(execution.status).toBe('FAILED');
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('Resend API error 422 (validation_error): Invalid `to` field. The email address needs to follow the `email@example.com` format.');
    expect(resend.requests).toHaveLength(1);
  });

  it('gives up on repeated 5xx within the node, and the node retry sends the same Idempotency-Key so only one e-mail exists', async () => {
    const before = resend.emailsCreated;
    resend.failNext(3, { status: 503, headers: { 'retry-after': '0' }, body: { statusCode: 503, name: 'application_error', message: 'Service unavailable' } });
    const { record, execution } = await runSingle(emailNode({}, { retryOnFail: true, maxTries: 2, waitBetweenTries: 10 }));
    expect(record).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    expect(resend.requests).toHaveLength(4); // three failed tries in attempt 1, one in attempt 2
    expect(new Set(resend.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`${execution.id}:n1`]));
    expect(resend.emailsCreated - before).toBe(1);
  });

  it('fails with the last Resend error once the internal budget is spent', async () => {
    resend.failNext(3, { status: 500, headers: { 'retry-after': '0' }, body: { statusCode: 500, name: 'internal_server_error', message: 'Something broke' } });
    const { record, servedJson } = await runSingle(emailNode({}));
    expect(record).toMatchObject({ status: 'FAILED', attempts: 1, error: 'Resend API error 500 (internal_server_error): Something broke' });
    expect(resend.requests).toHaveLength(3);
    expect(servedJson).not.toContain(RESEND_KEY);
  });

  it('never echoes the Resend key, even when the API quotes it back', async () => {
    resend.failNext(1, { status: 401, body: { statusCode: 401, name: 'invalid_api_key', message: `API key ${RESEND_KEY} is invalid` } });
    const { record, servedJson } = await runSingle(emailNode({}));
    expect(record.error).toBe('Resend API error 401 (invalid_api_key): API key [redacted] is invalid');
    expect(servedJson).not.toContain(RESEND_KEY);
  });

  it('waits Telegram’s retry_after on 429 and then sends', async () => {
    telegram.failNext(1, { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } });
    const { record } = await runSingle(telegramNode({ chatId: '@channel_name', message: 'ping' }));
    expect(record).toMatchObject({ status: 'SUCCESS', attempts: 1, output: { messageId: expect.any(Number), chatId: '@channel_name', date: expect.any(Number) } });
    expect(telegram.requests).toHaveLength(2);
    expect(telegram.requests[1].receivedAt - telegram.requests[0].receivedAt).toBeGreaterThanOrEqual(900);
  });

  it('surfaces Telegram’s description and never the bot token, even when the error quotes the URL', async () => {
    telegram.failNext(1, { status: 400, body: (request: { url: string }) => ({ ok: false, error_code: 400, description: `Bad Request: chat not found (${request.url})` }) });
    const { record, execution, servedJson } = await runSingle(telegramNode({ chatId: 999 }));
    expect(execution.status).toBe('FAILED');
    expect(record.error).toBe('Telegram API error 400: Bad Request: chat not found (/bot[redacted]/sendMessage)');
    expect(execution.error).toContain('chat not found');
    expect(servedJson).not.toContain(BOT_TOKEN);
    expect(servedJson).not.toContain(BOT_TOKEN.split(':')[1]);
    expect(telegram.requests).toHaveLength(1);
  });

  it('reports a wrong bot token as Telegram does, without the token', async () => {
    const wrong = '987654321:BBF-wrong_token_9z8y7x';
    const id = await createCredential('telegram', { botToken: wrong });
    const { record, servedJson } = await runSingle(telegramNode({}, { credentials: { telegram: { id } } }));
    expect(record).toMatchObject({ status: 'FAILED', error: 'Telegram API error 401: Unauthorized' });
    expect(servedJson).not.toContain(wrong);
  });

  it('keeps the token out of a connection failure', async () => {
    const down = await startTestApp({ RESEND_API_URL: resend.url, TELEGRAM_API_URL: 'http://127.0.0.1:9', HTTP_ALLOWED_HOSTS: '' });
    try {
      const response = await down.http.post('/credentials').set(down.admin).send({ name: 'tg', type: 'telegram', data: { botToken: BOT_TOKEN } }).expect(201);
      const workflow = await createWorkflow(
        down,
        workflowBody(
          [
            { name: 'Start', type: 'trigger' },
            { name: 'Telegram', type: 'sendTelegram', credentials: { telegram: { id: response.body.id } }, parameters: { chatId: 1, message: 'x' } },
          ],
          [['Start', 'Telegram']],
        ),
      );
      const hook = await createWebhook(down, workflow.id);
      const accepted = await down.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
      const execution = await waitForExecution(down, accepted.body.executionId);
      expect(nodeRecord(execution, 'Telegram').error).toMatch(/^Telegram request failed: .*ECONNREFUSED/);
      expect(JSON.stringify(execution)).not.toContain(BOT_TOKEN);
    } finally {
      await down.close();
    }
  });
});
