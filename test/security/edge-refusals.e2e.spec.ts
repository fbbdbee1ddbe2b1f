import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUL_IN_BODY_MESSAGE, NUL_IN_URL_MESSAGE } from '../../src/common/nul-bytes.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody } from '../support/factories.js';
import { startHttpTarget } from '../support/http-target.js';
import type { RecordingServer } from '../support/recording-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { leakIn } from './security-support.js';

/**
 * Issue 22 items 8 and 9: NUL characters (which PostgreSQL cannot store) are a 400 at the edge,
 * never a 500; the HTTP Request node sets no connection headers; another member's workflow is a
 * 404 for its execution list too.
 */
describe('refusals at the edge', () => {
  let t: TestApp;
  let target: RecordingServer;
  let base: string;
  beforeAll(async () => {
    target = await startHttpTarget();
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}, localhost:9` });
    base = await t.app.getUrl();
  });
  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const expectRefused = (response: { status: number; body: any; text?: string }, message: string, label: string) => {
    expect(response.status, `${label}: ${response.text}`).toBe(400);
    expect(response.body, label).toEqual({ statusCode: 400, error: 'Bad Request', message });
  };

  it('refuses NUL in admin query strings, path parameters and JSON bodies with 400', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }], []));
    const urls = ['/workflows?search=%00', '/workflows?search=a%00b', `/workflows/${workflow.id}%00`, '/executions?status=%00', '/credentials?type=x%00', '/users/me?x=%00'];
    for (const url of urls) expectRefused(await t.http.get(url).set(t.admin), NUL_IN_URL_MESSAGE, url);
    const bodies: Array<[string, string, string]> = [
      ['post', '/users', '{"email":"nul\\u0000@example.com","name":"n"}'],
      ['post', '/users', '{"email":"ok@example.com","name":"a\\u0000"}'],
      ['post', '/workflows', JSON.stringify(workflowBody([{ name: 'Hook', type: 'trigger' }], [], { name: 'x\u0000y' }))],
      ['post', '/workflows', JSON.stringify(workflowBody([{ name: 'Hook', type: 'trigger', parameters: { ['a\u0000']: 1 } }], []))],
      ['patch', `/workflows/${workflow.id}`, '{"description":"\\u0000"}'],
      ['post', '/credentials', '{"name":"c","type":"resend","data":{"apiKey":"re_\\u0000"}}'],
      ['post', `/workflows/${workflow.id}/run`, '{"body":{"deep":[["\\u0000"]]}}'],
    ];
    for (const [method, path, body] of bodies) {
      const response = await t.http[method as 'post'](path).set(t.admin).set('Content-Type', 'application/json').send(body);
      expectRefused(response, NUL_IN_BODY_MESSAGE, `${method} ${path} ${body.slice(0, 60)}`);
    }
    // An escaped backslash before "u0000" is text, not a NUL: accepted.
    const text = await t.http.patch(`/workflows/${workflow.id}`).set(t.admin).set('Content-Type', 'application/json').send('{"description":"C:\\\\u0000 is a path"}');
    expect(text.status, text.text).toBe(200);
    expect(text.body.description).toBe('C:\\u0000 is a path');
    // Nothing else was changed by the refused requests.
    expect((await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(200)).body.version).toBe(workflow.version + 1);
  });

  it('refuses NUL in webhook bodies and query strings with 400 on both paths, and stores nothing', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }], []));
    const hook = (await createWebhook(t, workflow.id)).id;
    const send = async (path: string, body: string | Buffer, contentType: string, gzip: boolean) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
        body: gzip ? gzipSync(body) : body,
      });
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) };
    };
    const cases: Array<[string, string | Buffer, string, string]> = [
      [`/webhook/handler/${hook}`, '{"a":"x\\u0000y"}', 'application/json', NUL_IN_BODY_MESSAGE],
      [`/webhook/handler/${hook}`, '{"\\u0000":1}', 'application/vnd.api+json', NUL_IN_BODY_MESSAGE],
      [`/webhook/handler/${hook}`, '{"a":"\\\\\\u0000"}', 'application/json', NUL_IN_BODY_MESSAGE],
      [`/webhook/handler/${hook}`, Buffer.from('line\u0000end'), 'text/plain', NUL_IN_BODY_MESSAGE],
      [`/webhook/handler/${hook}`, 'a=1&b=%00', 'application/x-www-form-urlencoded', NUL_IN_BODY_MESSAGE],
      [`/webhook/handler/${hook}?q=%00`, '{}', 'application/json', NUL_IN_URL_MESSAGE],
      ['/webhook/resume/token?x=%00', '{}', 'application/json', NUL_IN_URL_MESSAGE],
    ];
    for (const [path, body, type, message] of cases) {
      for (const gzip of [false, true]) {
        const label = `${gzip ? 'Express' : 'fast path'} ${path} ${type} ${body.toString().slice(0, 30)}`;
        expectRefused(await send(path, body, type, gzip), message, label);
      }
    }
    // Binary bodies are kept as base64, NUL bytes and all; an escaped backslash is text.
    expect((await send(`/webhook/handler/${hook}`, Buffer.from([0, 1, 2]), 'application/octet-stream', false)).status).toBe(202);
    const fine = await send(`/webhook/handler/${hook}`, '{"path":"C:\\\\u0000"}', 'application/json', false);
    expect(fine.status).toBe(202);
    expect((await waitForExecution(t, fine.body.executionId)).triggerData.body).toEqual({ path: 'C:\\u0000' });
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200)).body.items).toHaveLength(2);
  });

  it('refuses Host and other connection headers in the HTTP Request node: 400 on save, a failed node at run time', async () => {
    for (const name of ['Host', 'host', 'Connection', 'Transfer-Encoding', 'Content-Length', 'Upgrade', 'Expect']) {
      const response = await t.http
        .post('/workflows')
        .set(t.admin)
        .send(workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Call', type: 'httpRequest', parameters: { url: `${target.url}/echo`, headers: { [name]: 'internal.example' } } }], [['Hook', 'Call']]));
      expect(response.status, name).toBe(400);
      expect(JSON.stringify(response.body.message), name).toContain('Call');
      expect(JSON.stringify(response.body.message), name).toContain(`parameter \\"headers.${name}\\" is not allowed: the client sets connection headers itself`);
    }
    const workflow = await createWorkflow(
      t,
      workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Call', type: 'httpRequest', parameters: { url: `${target.url}/echo`, headers: '{{ $trigger.body.headers }}' } }], [['Hook', 'Call']]),
    );
    const hook = (await createWebhook(t, workflow.id)).id;
    const requestsBefore = target.requests.length;
    const accepted = await t.http.post(`/webhook/handler/${hook}`).send({ headers: { HOST: 'metadata.internal', 'X-Fine': '1' } }).expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId);
    expect(nodeRecord(execution, 'Call')).toMatchObject({ status: 'FAILED', error: 'parameter "headers.HOST" is not allowed: the client sets connection headers itself' });
    expect(target.requests.length).toBe(requestsBefore);
  });

  it('names the host, never its resolved address, when refusing an internal host name', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Call', type: 'httpRequest', parameters: { url: 'http://localhost:10/' } }], [['Hook', 'Call']]));
    const accepted = await t.http.post(`/webhook/handler/${(await createWebhook(t, workflow.id)).id}`).send({}).expect(202);
    const call = nodeRecord(await waitForExecution(t, accepted.body.executionId), 'Call');
    expect(call.error).toBe('Refused to connect to localhost: loopback addresses are not allowed (set HTTP_ALLOWED_HOSTS or HTTP_ALLOW_PRIVATE_NETWORKS)');
    expect(call.error).not.toMatch(/127\.0\.0\.1|::1/);
    // Allowed, but nothing listens: the failure names the host too, not the address it tried.
    const closed = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Call', type: 'httpRequest', parameters: { url: 'http://localhost:9/' } }], [['Hook', 'Call']]));
    const sent = await t.http.post(`/webhook/handler/${(await createWebhook(t, closed.id)).id}`).send({}).expect(202);
    const refused = nodeRecord(await waitForExecution(t, sent.body.executionId), 'Call');
    expect(refused.error).toBe('Could not connect to localhost:9 (ECONNREFUSED)');
  });

  it("answers 404 for the executions of another member's workflow and of an unknown id; a deleted workflow's stay listed", async () => {
    const owner = await t.createMember('owner');
    const other = await t.createMember('other');
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }], []), owner.auth);
    await t.http.post(`/workflows/${workflow.id}/run`).set(owner.auth).send({}).expect(200);
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(owner.auth).expect(200)).body.items).toHaveLength(1);
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200)).body.items).toHaveLength(1);
    for (const auth of [other.auth, owner.auth, t.admin]) {
      const unknown = await t.http.get('/executions/workflow/0190b6a5-0000-7000-8000-000000000000').set(auth);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    const theirs = await t.http.get(`/executions/workflow/${workflow.id}?include=nodes`).set(other.auth);
    expect(theirs.status).toBe(404);
    expect(theirs.body.items).toBeUndefined();
    expect(leakIn(theirs.text)).toBeUndefined();
    // Executions outlive their workflow (README.md): still listed to the owner after a delete.
    await t.http.delete(`/workflows/${workflow.id}`).set(owner.auth).expect(204);
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(owner.auth).expect(200)).body.items).toHaveLength(1);
    expect((await t.http.get(`/executions/workflow/${workflow.id}`).set(other.auth)).status).toBe(404);
  });
});
