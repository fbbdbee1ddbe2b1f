import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, waitForStatus, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * docs/api-and-executions.md / issue 14 bug 7: every example the OpenAPI document holds (/docs-json) is sent to its
 * route and gets the documented status: request bodies as Swagger UI's "Try it out" fills them in
 * (the operation's example, else one generated from the schema's examples and defaults), error
 * examples carry their own status, and 401/404 answers look like their examples. Generic: it walks
 * whatever the document holds, so routes added later are covered; a new path parameter needs a
 * fixture in `fixtureFor`, and the test says so.
 */
type Schema = Record<string, any>;
type Operation = { requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> }; responses: Record<string, { content?: Record<string, { example?: unknown; schema?: Schema }> }>; security?: unknown[] };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

describe('every example of the OpenAPI document gets its documented status', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Partial<Record<Method, Operation>>>; components: { schemas: Record<string, Schema> } };
  const operations: Array<{ method: Method; path: string; op: Operation }> = [];

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json').expect(200)).body;
    for (const [path, ops] of Object.entries(doc.paths)) for (const method of METHODS) if (ops[method]) operations.push({ method, path, op: ops[method]! });
  });
  afterAll(() => t.close());

  const simpleWorkflow = () => workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Out', type: 'noOp' }], [['Start', 'Out']]);
  const failingWorkflow = () => workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Boom', type: 'set', parameters: { values: { n: '{{ $number("x") }}' } } }], [['Start', 'Boom']]);
  const waitingWorkflow = () =>
    workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Link', type: 'set', parameters: { values: { url: '{{ $execution.resumeUrl }}' } } },
        { name: 'Approval', type: 'wait', parameters: { mode: 'resume' } },
      ],
      [
        ['Start', 'Link'],
        ['Link', 'Approval'],
      ],
    );

  async function waitingExecution(): Promise<{ id: string; resumePath: string }> {
    const workflow = await createWorkflow(t, waitingWorkflow());
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202)).body;
    const waiting = await waitForStatus(t, executionId, ['WAITING']);
    const link = waiting.nodeExecutions.find((r: { nodeName: string }) => r.nodeName === 'Link').output.url as string;
    return { id: executionId, resumePath: new URL(link).pathname };
  }

  async function failedExecution(): Promise<string> {
    const workflow = await createWorkflow(t, failingWorkflow());
    return (await t.http.post(`/workflows/${workflow.id}/run`).set(t.admin).send({}).expect(500)).body.executionId;
  }

  /** A workflow with a schedule trigger (inactive: nothing fires during the test). */
  const scheduledWorkflow = () =>
    workflowBody([{ name: 'Every hour', type: 'schedule', parameters: { cron: '0 * * * *' } }, { name: 'Note', type: 'noOp' }], [['Every hour', 'Note']], { active: false });

  /** Of the type the credential examples show (Resend). */
  async function credential(): Promise<string> {
    return (await t.http.post('/credentials').set(t.admin).send({ name: `c-${Math.random()}`, type: 'resend', data: { apiKey: 're_example_secret' } }).expect(201)).body.id;
  }

  /** Fresh resources for one request to `method path`: the URL with its path parameters filled in. */
  async function fixtureFor(method: Method, path: string): Promise<string> {
    const fill = (value: string) => path.replace(/\{[^}]+\}/, value);
    if (!path.includes('{')) return path;
    if (path === '/workflows/{id}/schedule') return fill((await createWorkflow(t, scheduledWorkflow())).id);
    if (path.startsWith('/workflows/{id}') || path === '/executions/workflow/{id}') return fill((await createWorkflow(t, simpleWorkflow())).id);
    if (path.startsWith('/webhooks/{id}')) return fill((await createWebhook(t, (await createWorkflow(t, simpleWorkflow())).id)).id);
    if (path === '/webhook/handler/{id}') return fill((await createWebhook(t, (await createWorkflow(t, simpleWorkflow())).id, { method: method.toUpperCase() })).id);
    if (path === '/webhook/resume/{token}') return (await waitingExecution()).resumePath;
    if (path.startsWith('/credentials/{id}')) return fill(await credential());
    if (path === '/executions/{id}/cancel') return fill((await waitingExecution()).id);
    if (path === '/executions/{id}/signed-view') {
      const link = new URL((await t.http.post(`/executions/${await failedExecution()}/view-link`).set(t.admin).send({}).expect(201)).body.url);
      return link.pathname + link.search;
    }
    if (path.startsWith('/executions/{id}')) return fill(await failedExecution());
    if (path === '/users/{id}/api-keys') return fill((await t.createMember()).id);
    if (path === '/api-keys/{id}') {
      const member = await t.createMember();
      return fill((await t.http.post(`/users/${member.id}/api-keys`).set(t.admin).send({ name: 'to revoke' }).expect(201)).body.id);
    }
    throw new Error(`No fixture for the path parameters of ${method.toUpperCase()} ${path}: add one to fixtureFor`);
  }

  const resolve = (schema: Schema): Schema => (schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]) : schema);

  /** What Swagger UI puts in the body editor when it has no example of the whole body. */
  function sample(input: Schema): unknown {
    const schema = resolve(input);
    if (schema.example !== undefined) return schema.example;
    if (schema.default !== undefined) return schema.default;
    if (schema.enum) return schema.enum[0];
    if (schema.oneOf || schema.anyOf) return sample((schema.oneOf ?? schema.anyOf)[0]);
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part: Schema) => sample(part)));
    if (schema.type === 'array') return [sample(schema.items ?? {})];
    if (schema.type === 'string') return schema.format === 'date-time' ? new Date(Date.now() + 86_400_000).toISOString() : 'string';
    if (schema.type === 'number' || schema.type === 'integer') return schema.minimum ?? 0;
    if (schema.type === 'boolean') return true;
    if (schema.type === 'object' || schema.properties) {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) out[name] = sample(property);
      return out;
    }
    return {};
  }

  function bodyOf(op: Operation): unknown {
    const json = op.requestBody?.content?.['application/json'];
    if (!json) return undefined;
    const named = json.examples ? Object.values(json.examples)[0]?.value : undefined;
    return named ?? json.example ?? sample(json.schema ?? {});
  }

  /** Ids in a body (a webhook's workflowId, a credential reference) point at fresh resources. */
  async function withFixtureIds(body: unknown): Promise<unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    if ('workflowId' in out) out.workflowId = (await createWorkflow(t, simpleWorkflow())).id;
    const auth = out.authentication as Record<string, unknown> | undefined;
    if (auth && typeof auth === 'object' && 'credentialId' in auth) out.authentication = { ...auth, credentialId: await credential() };
    return out;
  }

  /** The documented 2xx answers: one for most routes; 200 or 202 where a run may still go on. */
  const successOf = (op: Operation): number[] => Object.keys(op.responses).map(Number).filter((code) => code >= 200 && code < 300);

  it('error examples carry the status they document', () => {
    let checked = 0;
    for (const { method, path, op } of operations) {
      for (const [code, response] of Object.entries(op.responses)) {
        const example = response.content?.['application/json']?.example as { statusCode?: number } | undefined;
        if (Number(code) < 400 || !example || !('statusCode' in example)) continue;
        expect(example.statusCode, `${method.toUpperCase()} ${path} ${code}`).toBe(Number(code));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
    // The answers of the routes that run a workflow are documented, and the webhook has a body editor.
    const run = doc.paths['/workflows/{id}/run'].post!;
    const handler = doc.paths['/webhook/handler/{id}'].post!;
    for (const op of [run, handler]) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '404', '500']));
    expect(handler.requestBody?.content?.['application/json']).toBeDefined();
  });

  it('request examples (or what Swagger UI builds from the schema) get the documented success', async () => {
    const sent: string[] = [];
    for (const { method, path, op } of operations) {
      const body = bodyOf(op);
      if (body === undefined) continue;
      const url = await fixtureFor(method, path);
      const payload = await withFixtureIds(body);
      const response = await t.http[method](url).set(t.admin).send(payload as object);
      expect(response.status, `${method.toUpperCase()} ${path} with ${JSON.stringify(payload)} → ${JSON.stringify(response.body)}`).toBeOneOf(successOf(op));
      sent.push(`${method} ${path}`);
    }
    expect(sent).toEqual(expect.arrayContaining(['post /workflows', 'put /workflows/{id}', 'post /webhooks', 'post /workflows/{id}/run', 'post /webhook/handler/{id}']));
  });

  it('operations without a body get the documented success with real ids', async () => {
    for (const { method, path, op } of operations) {
      if (bodyOf(op) !== undefined || path.startsWith('/docs')) continue;
      const url = await fixtureFor(method, path);
      const request = t.http[method](url);
      const response = await (op.security?.length ? request.set(t.admin) : request);
      expect(response.status, `${method.toUpperCase()} ${path} → ${JSON.stringify(response.body)}`).toBeOneOf(successOf(op));
    }
  });

  it('401 and 404 answers look like their examples', async () => {
    const unknownId = '0190b6a5-0000-7000-8000-000000000000';
    let checked = 0;
    for (const { method, path, op } of operations) {
      for (const code of ['401', '404'] as const) {
        const example = op.responses[code]?.content?.['application/json']?.example as { statusCode: number; error: string } | undefined;
        if (!example) continue;
        if (code === '401' && !op.security?.length) continue;
        if (code === '404' && !path.includes('{')) continue;
        const request = t.http[method](path.replace(/\{[^}]+\}/g, unknownId));
        // A valid body, so that validation does not answer first.
        const body = bodyOf(op);
        if (body !== undefined) request.send((await withFixtureIds(body)) as object);
        const response = await (code === '404' && op.security?.length ? request.set(t.admin) : request);
        expect(response.status, `${method.toUpperCase()} ${path} → ${JSON.stringify(response.body)}`).toBe(Number(code));
        expect({ statusCode: response.body.statusCode, error: response.body.error }).toEqual({ statusCode: example.statusCode, error: example.error });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
