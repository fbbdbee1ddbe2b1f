import type { INestApplication } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import request, { type Response } from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/app-config.js';
import { workflowBody, type NodeSpec } from '../support/factories.js';
import { FakeResend } from '../support/fake-resend.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { RecordingServer, sendJson } from '../support/recording-server.js';
import { ADMIN_KEY, TEST_ENCRYPTION_KEY } from '../support/test-app.js';
import { testDatabaseUrl } from '../support/test-database.js';

/** How /encoded/<ok|fail>/<form> echoes the credential it received. */
const ENCODED_FORMS = ['json', 'uri', 'form', 'base64-header', 'base64-in-json'] as const;

/** The text of one encoded form of `secret` (the token, or `user:password` of Basic auth). */
function echoedForms(form: (typeof ENCODED_FORMS)[number], secret: string): string[] {
  switch (form) {
    case 'json':
      return [JSON.stringify({ secret }).slice(1, -1)];
    case 'uri':
      return [encodeURIComponent(secret)];
    case 'form':
      return [new URLSearchParams({ secret }).toString()];
    case 'base64-header':
      return [Buffer.from(`Bearer ${secret}`).toString('base64')];
    case 'base64-in-json': {
      // The characters of a longer base64 text that encode only the secret.
      const prefix = Buffer.byteLength('{"at":1,"secret":"');
      const json = Buffer.from(JSON.stringify({ at: 1, secret }));
      const encoded = json.toString('base64');
      const end = prefix + Buffer.byteLength(JSON.stringify(secret).slice(1, -1));
      return [encoded.slice(Math.ceil(prefix / 3) * 4, Math.floor(end / 3) * 4)];
    }
  }
}

/** A target that echoes the credential of the request encoded (`/encoded/<ok|fail>/<form>`), as text. */
function echoEncoded(url: string, authorization: string, res: import('node:http').ServerResponse): void {
  const [, , outcome, form] = url.split('/');
  const space = authorization.indexOf(' ');
  const scheme = authorization.slice(0, space);
  const value = authorization.slice(space + 1);
  const secret = scheme === 'Basic' ? Buffer.from(value, 'base64').toString() : value;
  const text =
    form === 'base64-header'
      ? Buffer.from(authorization).toString('base64')
      : form === 'base64-in-json'
        ? Buffer.from(JSON.stringify({ at: 1, secret })).toString('base64')
        : (echoedForms(form as (typeof ENCODED_FORMS)[number], secret)[0] ?? 'unknown form');
  res.writeHead(outcome === 'fail' ? 500 : 200, { 'content-type': 'text/plain' });
  res.end(`echo: ${text}`);
}

/** Fields that name rather than hide: the header an httpHeaderAuth credential sets. */
const NOT_SECRET = new Set(['httpHeaderAuth.name']);

/**
 * docs/security.md: a credential's values never appear in API responses, logs, execution records or error
 * messages. Every credential type gets unique canary values; the canaries then travel through every
 * node that uses credentials, to outside services that echo them back, in success and in failure.
 * Afterwards no API answer, no row of any table and no log line may hold one.
 */
describe('secret scrubbing: canary credentials everywhere (docs/security.md)', () => {
  const logs: string[] = [];
  const answers: Array<{ what: string; text: string }> = [];
  let app: INestApplication;
  let http: TestAgent;
  let echo: RecordingServer;
  let resend: FakeResend;
  let telegram: FakeTelegram;
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
  /** type → field → value */
  const secrets: Record<string, Record<string, string>> = {};
  const credentialIds: Record<string, string> = {};
  let cases = 0;

  const canary = (type: string, field: string) => `canary-${type}-${field}-${randomBytes(6).toString('hex')}`;

  /** Every text form a canary could take once quoted: as is, URL-encoded, base64 (alone or as Basic user:password). */
  const forbidden = (): string[] => {
    const forms = new Set<string>();
    for (const [type, fields] of Object.entries(secrets)) {
      for (const [field, value] of Object.entries(fields)) {
        if (NOT_SECRET.has(`${type}.${field}`)) continue;
        forms.add(value);
        forms.add(encodeURIComponent(value));
        forms.add(Buffer.from(value).toString('base64'));
      }
    }
    const basic = secrets.httpBasicAuth;
    forms.add(Buffer.from(`${basic.username}:${basic.password}`).toString('base64'));
    return [...forms];
  };
  const leaked = (text: string): string[] => forbidden().filter((form) => text.includes(form));

  /** A request whose answer is kept and checked for canaries at the end. */
  const keep = async (what: string, pending: PromiseLike<Response>): Promise<Response> => {
    const response = await pending;
    answers.push({ what, text: `${JSON.stringify(response.headers)}\n${response.text ?? ''}` });
    return response;
  };

  beforeAll(async () => {
    // A target that reflects the request it got, headers and all; /fail does so with a 500...
    echo = await new RecordingServer((req, res) => {
      if (req.url.startsWith('/encoded')) return echoEncoded(req.url, String(req.headers.authorization ?? ''), res);
      const reflected = { method: req.method, url: req.url, headers: req.headers, body: req.body };
      // ...in the body and in a response header.
      sendJson(res, req.url.startsWith('/fail') ? 500 : 200, reflected, { 'x-echo-headers': JSON.stringify(req.headers) });
    }).start();
    resend = await FakeResend.start();
    const botToken = `12345:${canary('telegram', 'botToken')}`;
    telegram = await FakeTelegram.start(botToken);

    const config = loadConfig({
      DATABASE_URL: await testDatabaseUrl(),
      ADMIN_API_KEY: ADMIN_KEY,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: 'debug',
      PORT: '0',
      DB_POOL_SIZE: '5',
      PUBLIC_URL: 'http://wfe.test',
      RESEND_API_URL: resend.url,
      TELEGRAM_API_URL: telegram.url,
      HTTP_ALLOWED_HOSTS: `127.0.0.1:${echo.port}`,
    });
    app = await createApp(config, { logDestination: { write: (chunk: string) => void logs.push(chunk) } });
    await app.listen(0, '127.0.0.1');
    http = request(app.getHttpServer());

    const types = await keep('GET /credentials/types', http.get('/credentials/types').set(admin).expect(200));
    expect(types.body.length).toBeGreaterThanOrEqual(6);
    for (const { type, fields } of types.body as Array<{ type: string; fields: string[] }>) {
      secrets[type] = {};
      for (const field of fields) {
        secrets[type][field] = type === 'telegram' ? botToken : NOT_SECRET.has(`${type}.${field}`) ? `X-Canary-Auth-${randomBytes(3).toString('hex')}` : canary(type, field);
      }
      const created = await keep(`POST /credentials ${type}`, http.post('/credentials').set(admin).send({ name: `canary ${type}`, type, data: secrets[type] }));
      expect(created.status, created.text).toBe(201);
      credentialIds[type] = created.body.id;
    }
  });

  afterAll(async () => {
    console.log(`secret scrubbing: ${cases} cases, ${answers.length} answers and ${logs.length} log chunks searched for ${forbidden().length} secret forms`);
    await app?.close();
    await Promise.all([echo?.close(), resend?.close(), telegram?.close()]);
  });

  async function workflow(nodes: NodeSpec[], responseMode = 'lastNode'): Promise<{ workflowId: string; hookId: string }> {
    const edges = nodes.slice(1).map((node, i) => [nodes[i].name, node.name] as [string, string]);
    const created = await keep('POST /workflows', http.post('/workflows').set(admin).send(workflowBody(nodes, edges)));
    expect(created.status, created.text).toBe(201);
    const hook = await keep('POST /webhooks', http.post('/webhooks').set(admin).send({ workflowId: created.body.id, responseMode }));
    expect(hook.status, hook.text).toBe(201);
    return { workflowId: created.body.id, hookId: hook.body.id };
  }

  const httpNode = (auth: string, path: string, extra: Record<string, unknown> = {}): NodeSpec => ({
    name: 'Call',
    type: 'httpRequest',
    credentials: { [auth]: { id: credentialIds[auth] } },
    parameters: { method: 'POST', url: `${echo.url}${path}?q=1`, authentication: auth, body: { hello: 'world' }, failOnHttpError: true },
    ...extra,
  });
  /** After the outside call: a node that copies what came back (or the error), as users do. */
  const copy: NodeSpec = { name: 'Copy', type: 'set', parameters: { values: { seen: '{{ $node.Call }}', json: '{{ $json }}', text: 'got {{ $string($json) }}' } } };
  const email: NodeSpec = {
    name: 'Call',
    type: 'sendEmail',
    credentials: { resend: { id: '' } },
    parameters: { fromEmail: 'noreply@example.com', toEmail: 'ada@example.com', subject: 'Hi', body: 'Hello' },
  };
  const tg: NodeSpec = { name: 'Call', type: 'sendTelegram', credentials: { telegram: { id: '' } }, parameters: { chatId: 42, message: 'Hello' } };

  /** Runs a workflow through its lastNode webhook and by a manual run, keeping both answers. */
  async function runBoth(label: string, nodes: NodeSpec[], before?: () => void): Promise<void> {
    const { workflowId, hookId } = await workflow(nodes);
    before?.();
    const fired = await keep(`webhook ${label}`, http.post(`/webhook/handler/${hookId}`).send({ case: label }));
    expect([200, 500], `${label}: ${fired.text}`).toContain(fired.status);
    before?.();
    const manual = await keep(`manual run ${label}`, http.post(`/workflows/${workflowId}/run`).set(admin).send({ body: { case: label } }));
    expect([200, 500], `${label}: ${manual.text}`).toContain(manual.status);
    cases += 2;
  }

  it('keeps HTTP Request credentials out of outputs, errors and answers, echoed back in success and in failure', async () => {
    for (const auth of ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth']) {
      await runBoth(`${auth} echo`, [{ name: 'Start', type: 'trigger' }, httpNode(auth, '/echo'), copy]);
      await runBoth(`${auth} 500 echo, continueOnFail`, [{ name: 'Start', type: 'trigger' }, httpNode(auth, '/fail', { continueOnFail: true }), copy]);
      await runBoth(`${auth} 500 echo, failing`, [{ name: 'Start', type: 'trigger' }, httpNode(auth, '/fail', { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 })]);
      // The credential travelled: the target did receive it.
      const received = JSON.stringify(echo.requests.at(-1)?.headers);
      expect(received).toMatch(auth === 'httpHeaderAuth' ? secrets.httpHeaderAuth.value : auth === 'httpBearerAuth' ? secrets.httpBearerAuth.token : Buffer.from(`${secrets.httpBasicAuth.username}:${secrets.httpBasicAuth.password}`).toString('base64'));
    }
  });

  it('keeps credentials out in every encoded form a target echoes: JSON-escaped, URL- and form-encoded, base64 (Bearer/Basic)', async () => {
    // Values with `"`, `\\`, `+`, `&`, `=`, `/` and a space: each encoding changes them.
    const hex = () => randomBytes(6).toString('hex');
    const token = `canary-tok"en\\back+plus&and=eq/sl ash-${hex()}`;
    const user = `canary-user-${hex()}`;
    const password = `canary-pa"ss\\wd+&= x-${hex()}`;
    const bearer = await keep('POST /credentials tricky bearer', http.post('/credentials').set(admin).send({ name: 'tricky bearer', type: 'httpBearerAuth', data: { token } }));
    const basic = await keep('POST /credentials tricky basic', http.post('/credentials').set(admin).send({ name: 'tricky basic', type: 'httpBasicAuth', data: { username: user, password } }));
    const ids = { httpBearerAuth: bearer.body.id as string, httpBasicAuth: basic.body.id as string };
    const executionIds: string[] = [];
    for (const auth of ['httpBearerAuth', 'httpBasicAuth'] as const) {
      for (const form of ENCODED_FORMS) {
        for (const outcome of ['ok', 'fail']) {
          const call: NodeSpec = {
            name: 'Call',
            type: 'httpRequest',
            credentials: { [auth]: { id: ids[auth] } },
            parameters: { method: 'GET', url: `${echo.url}/encoded/${outcome}/${form}`, authentication: auth, responseFormat: 'text', failOnHttpError: true },
            continueOnFail: outcome === 'fail',
          };
          const { hookId } = await workflow([{ name: 'Start', type: 'trigger' }, call, copy]);
          const fired = await keep(`webhook tricky ${auth} ${form} ${outcome}`, http.post(`/webhook/handler/${hookId}`).send({}));
          expect(fired.status, fired.text).toBe(200);
          executionIds.push(fired.headers['x-execution-id'] ?? (await latestExecution(hookId)));
          cases += 1;
        }
      }
    }
    // The forms the target echoed, which must be nowhere in what was stored or answered.
    const basicValue = `${user}:${password}`;
    const forms = new Set<string>();
    for (const secret of [token, password, basicValue]) for (const form of ENCODED_FORMS) for (const text of echoedForms(form, secret)) forms.add(text);
    for (const header of [`Bearer ${token}`, `Basic ${Buffer.from(basicValue).toString('base64')}`]) forms.add(Buffer.from(header).toString('base64'));
    const found = (text: string) => [...forms].filter((form) => text.includes(form) || text.includes(JSON.stringify(form).slice(1, -1)));
    // The search has teeth: the target got the credentials, and echoed these very forms.
    expect(echo.requests.some((request) => request.headers.authorization === `Bearer ${token}`)).toBe(true);
    const rows: Array<{ nodes: string; error: string | null }> = await app.get(DataSource).query('SELECT "nodeExecutions"::text AS nodes, error FROM workflow_executions WHERE id = ANY($1::uuid[])', [executionIds]);
    expect(rows).toHaveLength(executionIds.length);
    expect(rows.filter((row) => !row.nodes.includes("[redacted]")).map((row) => row.nodes.slice(0, 1500))).toEqual([]);
    for (const row of rows) expect(found(`${row.nodes}\n${row.error ?? ''}`), row.nodes.slice(0, 3000)).toEqual([]);
    for (const id of executionIds) {
      const answer = await keep('GET tricky execution', http.get(`/executions/${id}`).set(admin).expect(200));
      expect(found(answer.text), answer.text.slice(0, 3000)).toEqual([]);
    }
    for (const { what, text } of answers.filter((answer) => answer.what.startsWith('webhook tricky'))) expect(found(text), `${what}: ${text.slice(0, 2000)}`).toEqual([]);
  });

  /** The newest execution of a webhook, for answers that do not name it. */
  async function latestExecution(hookId: string): Promise<string> {
    const list = await http.get('/executions?limit=50').set(admin).expect(200);
    const hook = (list.body.items as Array<{ id: string; webhookId: string }>).find((item) => item.webhookId === hookId);
    if (!hook) throw new Error(`no execution for webhook ${hookId}`);
    return hook.id;
  }

  it('keeps the Resend API key out, when Resend quotes it in an error', async () => {
    const node = { ...email, credentials: { resend: { id: credentialIds.resend } } };
    await runBoth('resend ok', [{ name: 'Start', type: 'trigger' }, node, copy]);
    const quoting = () => resend.failNext(1, { status: 401, body: { statusCode: 401, name: 'invalid_api_key', message: `API key Bearer ${secrets.resend.apiKey} is invalid` } });
    await runBoth('resend error', [{ name: 'Start', type: 'trigger' }, { ...node, continueOnFail: true }, copy], quoting);
    await runBoth('resend error, failing', [{ name: 'Start', type: 'trigger' }, node], quoting);
    expect(JSON.stringify(resend.requests.at(-1)?.headers)).toContain(secrets.resend.apiKey);
  });

  it('keeps the Telegram bot token out, when Telegram quotes the URL that holds it', async () => {
    const node = { ...tg, credentials: { telegram: { id: credentialIds.telegram } } };
    await runBoth('telegram ok', [{ name: 'Start', type: 'trigger' }, node, copy]);
    const quoting = () => telegram.failNext(1, { status: 400, body: (req: { url: string }) => ({ ok: false, error_code: 400, description: `Bad Request: chat not found (${req.url})` }) });
    await runBoth('telegram error', [{ name: 'Start', type: 'trigger' }, { ...node, continueOnFail: true }, copy], quoting);
    await runBoth('telegram error, failing', [{ name: 'Start', type: 'trigger' }, node], quoting);
    expect(telegram.requests.at(-1)?.url).toContain(encodeURIComponent(secrets.telegram.botToken).replace(/%3A/g, ':'));
  });

  it('keeps webhook authentication secrets (header, basic, hmac) out of trigger data and answers', async () => {
    const auths: Array<[Record<string, unknown>, (body: string) => Record<string, string>, Record<string, string>]> = [
      [{ type: 'header', credentialId: credentialIds.httpHeaderAuth }, () => ({ [secrets.httpHeaderAuth.name]: secrets.httpHeaderAuth.value }), { [secrets.httpHeaderAuth.name]: `${secrets.httpHeaderAuth.value}-wrong` }],
      [
        { type: 'basic', credentialId: credentialIds.httpBasicAuth },
        () => ({ Authorization: `Basic ${Buffer.from(`${secrets.httpBasicAuth.username}:${secrets.httpBasicAuth.password}`).toString('base64')}` }),
        { Authorization: `Basic ${Buffer.from(`${secrets.httpBasicAuth.username}:${secrets.httpBasicAuth.password}x`).toString('base64')}` },
      ],
      [
        { type: 'hmac', preset: 'github', credentialId: credentialIds.webhookSecret },
        (body) => ({ 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secrets.webhookSecret.secret).update(body).digest('hex')}` }),
        { 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` },
      ],
    ];
    for (const [authentication, good, bad] of auths) {
      const nodes: NodeSpec[] = [{ name: 'Start', type: 'trigger' }, { name: 'Copy', type: 'set', parameters: { values: { headers: '{{ $trigger.headers }}', all: '{{ $trigger }}' } } }];
      const created = await keep('POST /workflows', http.post('/workflows').set(admin).send(workflowBody(nodes, [['Start', 'Copy']])));
      for (const responseMode of ['lastNode', 'onReceived']) {
        const hook = await keep('POST /webhooks', http.post('/webhooks').set(admin).send({ workflowId: created.body.id, responseMode, authentication }));
        expect(hook.status, hook.text).toBe(201);
        const body = JSON.stringify({ mode: responseMode, at: Date.now() });
        const ok = await keep(`webhook ${authentication.type}`, http.post(`/webhook/handler/${hook.body.id}`).set('Content-Type', 'application/json').set(good(body)).send(body));
        expect([200, 202], ok.text).toContain(ok.status);
        const refused = await keep(`webhook ${authentication.type} refused`, http.post(`/webhook/handler/${hook.body.id}`).set('Content-Type', 'application/json').set(bad).send(body));
        expect(refused.status).toBe(401);
        cases += 2;
      }
    }
  });

  it('finds no canary in any API answer: every resource, every list, the OpenAPI document', async () => {
    // Let onReceived executions finish first.
    const deadline = Date.now() + 15_000;
    while ((await http.get('/executions?status=RUNNING').set(admin)).body.items?.length || (await http.get('/executions?status=PENDING').set(admin)).body.items?.length) {
      if (Date.now() > deadline) throw new Error('executions still running');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const lists = ['/credentials?limit=200', '/workflows?limit=200', '/webhooks?limit=200', '/executions?limit=200&include=nodes', '/users?limit=200', '/users/me', '/credentials/types', '/docs-json', '/metrics', '/health'];
    for (const path of lists) await keep(`GET ${path}`, http.get(path).set(admin));
    const items = async (path: string) => ((await http.get(path).set(admin).expect(200)).body.items as Array<{ id: string; workflowId?: string }>) ?? [];
    for (const credential of await items('/credentials?limit=200')) await keep('GET credential', http.get(`/credentials/${credential.id}`).set(admin).expect(200));
    for (const hook of await items('/webhooks?limit=200')) await keep('GET webhook', http.get(`/webhooks/${hook.id}`).set(admin).expect(200));
    const workflows = await items('/workflows?limit=200');
    for (const wf of workflows) {
      await keep('GET workflow', http.get(`/workflows/${wf.id}`).set(admin).expect(200));
      await keep('GET workflow executions', http.get(`/executions/workflow/${wf.id}?include=nodes&limit=200`).set(admin).expect(200));
    }
    const executions = await items('/executions?limit=200');
    expect(executions.length).toBeGreaterThanOrEqual(20);
    for (const execution of executions) await keep('GET execution', http.get(`/executions/${execution.id}`).set(admin).expect(200));

    // The search has teeth: what the outside services received holds the canaries, and the
    // executions show where they were removed.
    expect(leaked(JSON.stringify([echo.requests, resend.requests, telegram.requests])).length).toBeGreaterThanOrEqual(5);
    expect(answers.filter(({ what, text }) => what === 'GET execution' && text.includes('[redacted]')).length).toBeGreaterThan(5);
    for (const { what, text } of answers) {
      cases += 1;
      expect(leaked(text), `${what}: ${text.slice(0, 2000)}`).toEqual([]);
    }
  });

  it('finds no canary in any table, and the credentials table holds only ciphertext', async () => {
    const dataSource = app.get(DataSource);
    const tables: Array<{ table_name: string }> = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
    expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining(['workflow_executions', 'credentials', 'workflows', 'webhooks']));
    for (const { table_name } of tables) {
      const rows: Array<{ row: string }> = await dataSource.query(`SELECT t::text AS row FROM "${table_name}" t`);
      for (const { row } of rows) {
        cases += 1;
        expect(leaked(row), `${table_name}: ${row.slice(0, 2000)}`).toEqual([]);
      }
    }
    const stored: Array<{ id: string; data: unknown }> = await dataSource.query('SELECT id, data FROM credentials WHERE id = ANY($1::uuid[])', [Object.values(credentialIds)]);
    expect(stored).toHaveLength(Object.keys(credentialIds).length);
    for (const { data } of stored) expect(JSON.stringify(data)).not.toMatch(/canary|X-Canary/);
  });

  it('finds no canary in any log line, with logging at debug', async () => {
    // Something was logged for these runs (request lines at debug), so the check has teeth.
    const text = logs.join('');
    expect(text).toContain('/webhook/handler/');
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(50);
    for (const line of text.split('\n').filter(Boolean)) {
      cases += 1;
      expect(leaked(line), line.slice(0, 2000)).toEqual([]);
    }
  });
});
