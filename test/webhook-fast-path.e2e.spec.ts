import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Webhooks are served by a lean node:http handler ahead of Express (webhook-fast-path.ts), which
 * declines compressed bodies: Express inflates those and answers through the Nest controller. The
 * same requests sent both ways must get the same answers, so the two paths cannot drift apart.
 */
describe('webhook fast path answers exactly like the Express route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_MAX_BODY_BYTES: '2048' });
  });
  afterAll(() => t.close());

  type Send = { method?: 'POST' | 'PUT'; path: string; body: string; headers?: Record<string, string> };
  interface Answer {
    status: number;
    body: any;
    headers: Record<string, string>;
  }
  const call = async ({ method = 'POST', path, body, headers = {} }: Send, gzip: boolean): Promise<Answer> => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...headers },
      body: gzip ? gzipSync(body) : body,
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, body: text ? (json ? JSON.parse(text) : text) : null, headers: Object.fromEntries(response.headers) };
  };

  /** What a sender can rely on: status, body (ids aside) and the headers that are not per-request. */
  const contract = ({ status, body, headers }: Answer) => {
    const { date: _date, etag: _etag, 'x-request-id': requestId, 'content-length': _length, connection: _connection, 'keep-alive': _keepAlive, ...rest } = headers;
    const comparable = JSON.parse(JSON.stringify(body).replace(/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>'));
    // A lastNode answer echoing trigger data: its time and request headers (the encoding) differ by design.
    if (comparable?.receivedAt) delete comparable.receivedAt, delete comparable.headers;
    return { status, body: comparable, headers: rest, requestId };
  };

  async function expectSame(send: Send, expectedStatus: number) {
    const fast = contract(await call(send, false));
    const viaExpress = contract(await call(send, true));
    expect(fast.status).toBe(expectedStatus);
    // Express answers body-parser refusals before its request logger has given the request an id.
    expect(fast.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect({ ...fast, requestId: undefined }).toEqual({ ...viaExpress, requestId: undefined });
    return fast;
  }

  it('says that an inactive webhook or workflow is not active, and how to activate it', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Out', type: 'noOp' }], [['Hook', 'Out']], { active: false }));
    const hook = await createWebhook(t, workflow.id);
    const off = await expectSame({ path: `/webhook/handler/${hook.id}`, body: '{}' }, 404);
    // Ids read <id> here (contract()); webhook-ingest.e2e.spec.ts checks them.
    expect(off.body.message).toBe('Webhook <id> does not run: its workflow <id> is not active; activate it with POST /workflows/<id>/activate');
    await t.http.post(`/workflows/${workflow.id}/activate`).set(t.admin).expect(200);
    await t.http.patch(`/webhooks/${hook.id}`).set(t.admin).send({ active: false }).expect(200);
    const hookOff = await expectSame({ path: `/webhook/handler/${hook.id}`, body: '{}' }, 404);
    expect(hookOff.body.message).toBe('Webhook <id> does not run: it is not active; activate it with PATCH /webhooks/<id> { "active": true }');
  });

  it('on success, duplicates, and every refusal of docs/webhooks.md', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger', parameters: { requiredFields: ['email'] } }, { name: 'Out', type: 'noOp' }], [['Hook', 'Out']]));
    const hook = await createWebhook(t, workflow.id, { idempotencyHeader: 'X-Delivery' });
    const lastNode = await createWebhook(t, workflow.id, { responseMode: 'lastNode' });
    const path = `/webhook/handler/${hook.id}`;
    const ok = JSON.stringify({ email: 'a@example.com' });

    const accepted = await expectSame({ path, body: ok }, 202);
    expect(accepted.body).toEqual({ executionId: '<id>', status: 'PENDING' });
    expect(accepted.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(accepted.headers['x-content-type-options']).toBe('nosniff');

    const first = await call({ path, body: ok, headers: { 'X-Delivery': 'd-1' } }, false);
    expect(first.status).toBe(202);
    await waitForExecution(t, first.body.executionId);
    expect((await expectSame({ path, body: ok, headers: { 'X-Delivery': 'd-1' } }, 200)).body).toMatchObject({ duplicate: true });

    const output = await expectSame({ path: `/webhook/handler/${lastNode.id}?a=1&a=2&b=x`, body: ok }, 200);
    expect(output.body).toMatchObject({ body: { email: 'a@example.com' }, query: { a: ['1', '2'], b: 'x' }, method: 'POST' });

    expect((await expectSame({ path, body: '{"email":' }, 400)).body.message).toMatch(/Malformed JSON/);
    expect((await expectSame({ path, body: '{}' }, 400)).body.message).toBe('Missing required field: email');
    expect((await expectSame({ path, body: JSON.stringify({ email: 'x'.repeat(4096) }) }, 413)).body.message).toBe('Request body is larger than allowed');
    expect((await expectSame({ method: 'PUT', path, body: ok }, 405)).headers.allow).toBe('POST');
    await expectSame({ path: '/webhook/handler/0190b6a5-0000-7000-8000-000000000000', body: ok }, 404);
  });

  it('on respondToWebhook answers: its status and headers, no body for 204, and framing that stays ours', async () => {
    const replying = (statusCode: number, headers: Record<string, string>) =>
      workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Reply', type: 'respondToWebhook', parameters: { statusCode, headers, body: { seen: '{{ $json.body.n }}' } } }], [['Hook', 'Reply']]);
    const created = await createWorkflow(t, replying(201, { 'X-Trace': 'abc', 'Transfer-Encoding': 'chunked' }));
    const createdHook = await createWebhook(t, created.id, { responseMode: 'responseNode' });
    const answer = await expectSame({ path: `/webhook/handler/${createdHook.id}`, body: '{"n":7}' }, 201);
    expect(answer).toMatchObject({ body: { seen: 7 }, headers: { 'x-trace': 'abc', 'content-type': 'application/json; charset=utf-8' } });

    expect(answer.headers['content-security-policy']).toBe('sandbox');

    // A string is sent as it is (a verification challenge), with the node's Content-Type kept exactly.
    const challenge = await createWorkflow(
      t,
      workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Reply', type: 'respondToWebhook', parameters: { headers: { 'Content-Type': 'text/plain' }, body: '{{ $json.body.challenge }}' } }], [['Hook', 'Reply']]),
    );
    const challengeHook = await createWebhook(t, challenge.id, { responseMode: 'responseNode' });
    const bare = await expectSame({ path: `/webhook/handler/${challengeHook.id}`, body: '{"challenge":"1158201444"}' }, 200);
    expect(bare).toMatchObject({ body: '1158201444', headers: { 'content-type': 'text/plain' } });
    // And JSON under a Content-Type the node chose, exactly as chosen.
    const labelled = await createWorkflow(t, replying(200, { 'Content-Type': 'application/vnd.example+json' }));
    const labelledHook = await createWebhook(t, labelled.id, { responseMode: 'responseNode' });
    const custom = await expectSame({ path: `/webhook/handler/${labelledHook.id}`, body: '{"n":3}' }, 200);
    expect(custom.headers['content-type']).toBe('application/vnd.example+json');

    // A status an expression makes 1xx fails the node: the same 500 both ways.
    const informational = await createWorkflow(
      t,
      workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Reply', type: 'respondToWebhook', parameters: { statusCode: '{{ $json.body.n }}' } }], [['Hook', 'Reply']]),
    );
    const informationalHook = await createWebhook(t, informational.id, { responseMode: 'responseNode' });
    expect((await expectSame({ path: `/webhook/handler/${informationalHook.id}`, body: '{"n":101}' }, 500)).body.error).toMatch(/statusCode.*from 200 to 599, got 101/);

    const empty = await createWorkflow(t, replying(204, {}));
    const emptyHook = await createWebhook(t, empty.id, { responseMode: 'responseNode' });
    const none = await expectSame({ path: `/webhook/handler/${emptyHook.id}`, body: '{"n":1}' }, 204);
    expect(none.body).toBeNull();
    expect(none.headers['content-type']).toBeUndefined();
  });

  it('takes a body that arrives in many chunks, and refuses one that grows past the limit while streaming', async () => {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }], []));
    const hook = await createWebhook(t, workflow.id);
    const { port } = (t.app.getHttpServer().address() as { port: number });
    const post = async (chunks: string[]) => {
      const response = await fetch(`http://127.0.0.1:${port}/webhook/handler/${hook.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({ start(controller) { for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk)); controller.close(); } }),
        duplex: 'half',
      } as RequestInit);
      return { status: response.status, body: await response.json() };
    };
    const accepted = await post(['{"parts":', '[1,', '2,3]}']);
    expect(accepted.status).toBe(202);
    expect((await waitForExecution(t, accepted.body.executionId)).triggerData.body).toEqual({ parts: [1, 2, 3] });
    const tooLarge = await post(['{"a":"', 'x'.repeat(1500), 'x'.repeat(1500), '"}']);
    expect(tooLarge).toEqual({ status: 413, body: { statusCode: 413, error: 'Payload Too Large', message: 'Request body is larger than allowed' } });
  });
});
