import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredential, createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REFUSAL_HINT = '(set HTTP_ALLOWED_HOSTS or HTTP_ALLOW_PRIVATE_NETWORKS)';

/** Runs trigger → httpRequest "Call" through a real webhook and returns the finished execution. */
async function runCall(t: TestApp, parameters: Record<string, unknown>, node: Record<string, unknown> = {}, triggerBody: Record<string, unknown> = {}) {
  const workflow = await createWorkflow(
    t,
    workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Call', type: 'httpRequest', parameters, ...node },
      ],
      [['Start', 'Call']],
    ),
  );
  const hook = await createWebhook(t, workflow.id);
  const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send(triggerBody).expect(202);
  const execution = await waitForExecution(t, accepted.body.executionId);
  // The record as the admin API serves it: what must never hold a secret.
  const served = await t.http.get(`/executions/${execution.id}`).set(t.admin).expect(200);
  return { execution, call: nodeRecord(execution, 'Call'), servedJson: JSON.stringify(served.body) };
}


describe('httpRequest node (docs/nodes.md) against allow-listed targets', () => {
  let t: TestApp;
  let target: RecordingServer;
  let other: RecordingServer;
  let base: string;
  beforeAll(async () => {
    target = await startHttpTarget();
    other = await startHttpTarget();
    base = target.url;
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}, 127.0.0.1:${other.port}` });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
    await other.close();
  });

  it('sends a GET with headers and query (appended to the URL) and outputs { status, headers, data }', async () => {
    const { call } = await runCall(t, { url: `${base}/echo?fixed=1`, headers: { 'X-Trace': '{{ $trigger.body.trace }}', 'X-Num': 7 }, query: { page: 2, q: 'a b&c', flag: true } }, {}, { trace: 't-42' });
    expect(call.status).toBe('SUCCESS');
    expect(call.output.status).toBe(200);
    expect(call.output.headers['content-type']).toMatch(/application\/json/);
    const seen = call.output.data;
    expect(seen.method).toBe('GET');
    expect(new URL(seen.url, base).searchParams.getAll('fixed')).toEqual(['1']);
    expect(Object.fromEntries(new URL(seen.url, base).searchParams)).toEqual({ fixed: '1', page: '2', q: 'a b&c', flag: 'true' });
    expect(seen.headers).toMatchObject({ 'x-trace': 't-42', 'x-num': '7' });
    expect(seen.body).toBe('');
  });

  it('sends a JSON body by default for objects, with every method that carries one', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const { call } = await runCall(t, { method, url: `${base}/echo`, body: { user: '{{ $trigger.body.user }}', n: 1 } }, {}, { user: { id: 5 } });
      expect(call.status, method).toBe('SUCCESS');
      expect(call.output.data.method).toBe(method);
      expect(call.output.data.headers['content-type']).toBe('application/json');
      expect(JSON.parse(call.output.data.body)).toEqual({ user: { id: 5 }, n: 1 });
    }
  });

  it('sends HEAD without reading a body, and a method computed at run time in any case', async () => {
    const before = target.requests.length;
    const head = await runCall(t, { method: 'HEAD', url: `${base}/bytes/5000`, maxResponseBytes: 10 });
    expect(head.call).toMatchObject({ status: 'SUCCESS', output: { status: 200, headers: { 'content-length': '5000' }, data: '' } });
    const options = await runCall(t, { method: '{{ "options" }}', url: `${base}/echo` });
    expect(options.call.output.data.method).toBe('OPTIONS');
    expect(target.requests.slice(before).map((r) => r.method)).toEqual(['HEAD', 'OPTIONS']);
  });

  it('sends form and raw bodies as asked', async () => {
    const form = await runCall(t, { method: 'POST', url: `${base}/echo`, bodyType: 'form', body: { a: 1, b: ['x', 'y'], c: 'é&=' } });
    expect(form.call.output.data.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.call.output.data.body).toBe('a=1&b=x&b=y&c=%C3%A9%26%3D');
    const raw = await runCall(t, { method: 'POST', url: `${base}/echo`, bodyType: 'raw', body: '<ping n="1"/>', headers: { 'Content-Type': 'application/xml' } });
    expect(raw.call.output.data.headers['content-type']).toBe('application/xml');
    expect(raw.call.output.data.body).toBe('<ping n="1"/>');
    const text = await runCall(t, { method: 'PUT', url: `${base}/echo`, body: 'plain words' });
    expect(text.call.output.data.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.call.output.data.body).toBe('plain words');
  });

  it('refuses a body on GET with a clear error', async () => {
    const { call } = await runCall(t, { url: `${base}/echo`, body: { a: 1 } });
    expect(call).toMatchObject({ status: 'FAILED', error: 'parameter "body" is not allowed with method GET' });
    expect(target.requests.filter((r) => r.body.includes('"a":1') && r.method === 'GET')).toHaveLength(0);
  });

  it.each([
    ['httpHeaderAuth', { name: 'X-Api-Key', value: 'hdr-secret-7c1f9a' }, (h: Record<string, string>) => h['x-api-key'] === 'hdr-secret-7c1f9a', ['hdr-secret-7c1f9a']],
    [
      'httpBasicAuth',
      { username: 'ada', password: 'basic-secret-93ab' },
      (h: Record<string, string>) => h.authorization === `Basic ${Buffer.from('ada:basic-secret-93ab').toString('base64')}`,
      ['basic-secret-93ab', Buffer.from('ada:basic-secret-93ab').toString('base64')],
    ],
    ['httpBearerAuth', { token: 'bearer-secret-51de' }, (h: Record<string, string>) => h.authorization === 'Bearer bearer-secret-51de', ['bearer-secret-51de']],
  ] as const)('authenticates with %s, and the secret never reaches the execution record', async (type, data, received, secrets) => {
    const id = await createCredential(t, type, data);
    const before = target.requests.length;
    // The target echoes the request headers back: the node must scrub them from its output.
    const { call, servedJson } = await runCall(t, { url: `${base}/echo`, authentication: type }, { credentials: { [type]: { id } } });
    expect(call.status).toBe('SUCCESS');
    const request = target.requests[before];
    expect(received(request.headers as Record<string, string>)).toBe(true);
    for (const secret of secrets) expect(servedJson).not.toContain(secret);
    expect(servedJson).toContain('[redacted]');
  });

  it('keeps the secret out of a failure message that echoes it', async () => {
    const id = await createCredential(t, 'httpBearerAuth', { token: 'echoed-secret-0f3e' });
    const { call, servedJson } = await runCall(t, { method: 'POST', url: `${base}/status/403`, body: 'token was echoed-secret-0f3e' }, { credentials: { httpBearerAuth: { id } } });
    expect(call.status).toBe('FAILED');
    expect(call.error).toMatch(/^HTTP 403 Forbidden from POST http:\/\/127\.0\.0\.1:\d+\/status\/403: nope/);
    expect(servedJson).not.toContain('echoed-secret-0f3e');
  });

  it('decodes the response as responseFormat says', async () => {
    expect((await runCall(t, { url: `${base}/echo` })).call.output.data).toMatchObject({ method: 'GET' });
    expect((await runCall(t, { url: `${base}/text` })).call.output.data).toBe('hello');
    expect((await runCall(t, { url: `${base}/json-as-text` })).call.output.data).toBe('{"a":1}');
    expect((await runCall(t, { url: `${base}/json-as-text`, responseFormat: 'json' })).call.output.data).toEqual({ a: 1 });
    expect(typeof (await runCall(t, { url: `${base}/echo`, responseFormat: 'text' })).call.output.data).toBe('string');
    const notJson = await runCall(t, { url: `${base}/text`, responseFormat: 'json' });
    expect(notJson.call).toMatchObject({ status: 'FAILED', error: 'Response is not valid JSON (responseFormat is json): hello' });
  });

  it('fails on HTTP errors naming the status and a body excerpt, unless failOnHttpError is false', async () => {
    const failing = await runCall(t, { url: `${base}/status/404` });
    expect(failing.execution.status).toBe('FAILED');
    expect(failing.call.error).toMatch(/^HTTP 404 Not Found from GET http:\/\/127\.0\.0\.1:\d+\/status\/404: nope: the target said 404$/);
    expect(failing.execution.error).toMatch(/^Node "Call" failed: HTTP 404/);
    const tolerated = await runCall(t, { url: `${base}/status/503`, failOnHttpError: false });
    expect(tolerated.call).toMatchObject({ status: 'SUCCESS', output: { status: 503, data: 'nope: the target said 503' } });
  });

  it('follows up to 5 redirects, fails beyond, and returns the 3xx when followRedirects is false', async () => {
    const five = await runCall(t, { url: `${base}/redirect/5` });
    expect(five.call).toMatchObject({ status: 'SUCCESS', output: { status: 200, data: { url: '/echo/end' } } });
    const six = await runCall(t, { url: `${base}/redirect/6` });
    expect(six.call.status).toBe('FAILED');
    expect(six.call.error).toMatch(/^Too many redirects \(more than 5\)/);
    const manual = await runCall(t, { url: `${base}/redirect/1`, followRedirects: false });
    expect(manual.call).toMatchObject({ status: 'SUCCESS', output: { status: 302, headers: { location: '/echo/end' } } });
  });

  it('turns a POST into a GET on 303 and keeps method and body on 307', async () => {
    const seeOther = await runCall(t, { method: 'POST', url: `${base}/redirect-to?status=303&url=/echo/after`, body: { a: 1 } });
    expect(seeOther.call.output.data).toMatchObject({ method: 'GET', url: '/echo/after', body: '' });
    const temporary = await runCall(t, { method: 'POST', url: `${base}/redirect-to?status=307&url=/echo/after`, body: { a: 1 } });
    expect(temporary.call.output.data).toMatchObject({ method: 'POST', url: '/echo/after', body: '{"a":1}' });
  });

  it('follows a redirect whatever its body: read and dropped, or cut off past 128 KiB', async () => {
    for (const bytes of [1000, 200 * 1024]) {
      const { call } = await runCall(t, { url: `${base}/redirect-to?url=/echo/after&bytes=${bytes}` });
      expect(call).toMatchObject({ status: 'SUCCESS', output: { status: 200, data: { method: 'GET', url: '/echo/after' } } });
    }
  });

  it('drops the credential when a redirect leaves the origin', async () => {
    const id = await createCredential(t, 'httpBearerAuth', { token: 'origin-bound-8d2c' });
    const before = other.requests.length;
    const away = `${other.url}/echo/elsewhere`;
    const { call } = await runCall(t, { url: `${base}/redirect-to?url=${encodeURIComponent(away)}`, authentication: 'httpBearerAuth' }, { credentials: { httpBearerAuth: { id } } });
    expect(call.status).toBe('SUCCESS');
    expect(other.requests[before].url).toBe('/echo/elsewhere');
    expect(other.requests[before].headers.authorization).toBeUndefined();
  });

  it('fails clearly when the response is bigger than maxResponseBytes, with or without Content-Length', async () => {
    const declared = await runCall(t, { url: `${base}/bytes/2000`, maxResponseBytes: 1000 });
    expect(declared.call).toMatchObject({ status: 'FAILED', error: 'Response body is larger than maxResponseBytes (1000 bytes)' });
    const chunked = await runCall(t, { url: `${base}/chunked/5000`, maxResponseBytes: 1000 });
    expect(chunked.call).toMatchObject({ status: 'FAILED', error: 'Response body is larger than maxResponseBytes (1000 bytes)' });
    const exact = await runCall(t, { url: `${base}/chunked/1000`, maxResponseBytes: 1000 });
    expect(exact.call.output.data).toHaveLength(1000);
  });

  it('times out after timeoutMs', async () => {
    const started = Date.now();
    const { call } = await runCall(t, { url: `${base}/slow/5000`, timeoutMs: 300 });
    expect(call).toMatchObject({ status: 'FAILED', error: 'HTTP request timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('retries a flaky target with retryOnFail and records 3 attempts', async () => {
    const key = `k${Date.now()}`;
    const { call, execution } = await runCall(t, { url: `${base}/flaky/${key}?failures=2` }, { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 });
    expect(execution.status).toBe('COMPLETED');
    expect(call).toMatchObject({ status: 'SUCCESS', attempts: 3, output: { status: 200, data: { ok: true, calls: 3 } } });
    expect(target.requests.filter((r) => r.url.startsWith(`/flaky/${key}`))).toHaveLength(3);
  });

  it('reuses one kept-alive connection for calls to the same host across executions', async () => {
    // A server of its own that counts TCP connections: every call is a new execution.
    let connections = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const app = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${port}` });
    try {
      for (let i = 0; i < 5; i++) {
        const { execution, call } = await runCall(app, { method: 'POST', url: `http://127.0.0.1:${port}/notify`, body: { i } });
        expect(execution.status).toBe('COMPLETED');
        expect(call.output).toMatchObject({ status: 200, data: { ok: true } });
      }
      expect(connections).toBe(1);
    } finally {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  describe('faults decide retries (docs/executions.md errorKind)', () => {
    const retries = { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 };

    it('tries a wrong parameter once, even with retries configured, and says it was the input', async () => {
      const before = target.requests.length;
      const { call, execution } = await runCall(t, { url: `${base}/echo`, method: '{{ "FETCH" }}' }, retries);
      expect(execution.status).toBe('FAILED');
      expect(call).toMatchObject({ status: 'FAILED', attempts: 1, errorKind: 'input', error: expect.stringContaining('parameter "method" must be one of') });
      expect(target.requests.length).toBe(before);
    });

    it('retries a 503 from the target per retryOnFail: an outside fault', async () => {
      const { call } = await runCall(t, { url: `${base}/status/503?fault=${Date.now()}` }, retries);
      expect(call).toMatchObject({ status: 'FAILED', attempts: 3, errorKind: 'outside', error: expect.stringContaining('HTTP 503') });
      expect(call.attemptErrors).toHaveLength(3);
    });

    it('does not retry a 404: the request as sent is refused, so it is the input', async () => {
      const { call } = await runCall(t, { url: `${base}/status/404` }, retries);
      expect(call).toMatchObject({ status: 'FAILED', attempts: 1, errorKind: 'input', error: expect.stringContaining('HTTP 404') });
    });

    it('shows errorKind on the node record in Swagger', async () => {
      const spec = (await t.http.get('/docs-json').expect(200)).body;
      expect(spec.components.schemas.NodeExecutionDto.properties.errorKind).toMatchObject({ enum: ['input', 'outside', 'internal'] });
    });
  });

  it('refuses a redirect from an allowed host to a private address at the hop; the target behind it sees nothing', async () => {
    const hidden = await startHttpTarget();
    try {
      for (const away of [`http://127.0.0.1:${hidden.port}/echo`, `http://localhost:${target.port}/echo`, `http://[::1]:${hidden.port}/echo`]) {
        const before = target.requests.length;
        const { call } = await runCall(t, { url: `${base}/redirect-to?url=${encodeURIComponent(away)}` });
        expect(call.status, away).toBe('FAILED');
        expect(call.error).toMatch(/^Refused to connect to .*loopback addresses are not allowed \(set HTTP_ALLOWED_HOSTS or HTTP_ALLOW_PRIVATE_NETWORKS\) \(at redirect 1, http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/echo\)$/);
        expect(target.requests.slice(before).map((r) => r.url)).toEqual([`/redirect-to?url=${encodeURIComponent(away)}`]);
      }
      expect(hidden.requests).toHaveLength(0);
    } finally {
      await hidden.close();
    }
  });
});

describe('httpRequest node SSRF guard with the default configuration (docs/security.md)', () => {
  let t: TestApp;
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  // Only loopback forms here: every other private range is refused in test/ssrf-guard.spec.ts with
  // no socket at all, so a broken guard can never send a packet off this machine.
  it.each([
    ['http://127.0.0.1:PORT/echo', 'Refused to connect to 127.0.0.1: loopback'],
    ['http://localhost:PORT/echo', 'Refused to connect to localhost: loopback'],
    ['http://[::1]:PORT/echo', 'Refused to connect to ::1: loopback'],
    ['http://2130706433:PORT/echo', 'Refused to connect to 127.0.0.1: loopback'],
    ['http://0x7f.0.0.1:PORT/echo', 'Refused to connect to 127.0.0.1: loopback'],
    ['http://0177.0.0.1:PORT/echo', 'Refused to connect to 127.0.0.1: loopback'],
    ['http://[::ffff:127.0.0.1]:PORT/echo', 'Refused to connect to ::ffff:7f00:1: loopback'],
    ['http://127.1:PORT/echo', 'Refused to connect to 127.0.0.1: loopback'],
  ])('refuses %s before any packet reaches the target', async (template, start) => {
    const { call, execution } = await runCall(t, { url: template.replace('PORT', String(target.port)) });
    expect(execution.status).toBe('FAILED');
    expect(call.status).toBe('FAILED');
    expect(call.error.startsWith(start), call.error).toBe(true);
    expect(call.error).toContain(`loopback addresses are not allowed ${REFUSAL_HINT}`);
    expect(target.requests).toHaveLength(0);
  });

  it.each([
    ['file:///etc/passwd', 'Refused to request a file: URL: only http and https are allowed'],
    ['ftp://x', 'Refused to request a ftp: URL: only http and https are allowed'],
  ])('refuses the scheme of %s', async (url, error) => {
    const { call } = await runCall(t, { url });
    expect(call).toMatchObject({ status: 'FAILED', error });
  });

  it('is not fooled by an expression that builds the address at run time', async () => {
    const { call } = await runCall(t, { url: 'http://{{ $trigger.body.host }}:{{ $trigger.body.port }}/echo' }, {}, { host: '127.0.0.1', port: target.port });
    expect(call.error).toMatch(/^Refused to connect to 127\.0\.0\.1: loopback/);
    expect(target.requests).toHaveLength(0);
  });
});

describe('httpRequest node with HTTP_ALLOW_PRIVATE_NETWORKS=true', () => {
  let t: TestApp;
  let target: RecordingServer;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ HTTP_ALLOW_PRIVATE_NETWORKS: 'true' });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it('reaches 127.0.0.1 and localhost', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const { call } = await runCall(t, { url: `http://${host}:${target.port}/echo` });
      expect(call, host).toMatchObject({ status: 'SUCCESS', output: { status: 200, data: { method: 'GET' } } });
    }
    expect(target.requests).toHaveLength(2);
  });
});
