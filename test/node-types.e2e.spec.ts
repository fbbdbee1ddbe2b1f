import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_TYPES, type CredentialType } from '../src/credentials/credential-types.js';
import { NodeRegistry } from '../src/nodes/node-registry.js';
import { nodeSchemaName } from '../src/nodes/node-openapi.js';
import { createCredential } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** docs/nodes.md's types that this build runs; others (schedule…) join them by registering. */
const BUILT_IN = ['condition', 'httpRequest', 'merge', 'noOp', 'respondToWebhook', 'sendEmail', 'sendTelegram', 'set', 'trigger', 'wait'];

type NodeType = {
  type: string;
  summary: string | null;
  parameters: Array<{ name: string; type: string; required: boolean; default?: unknown; allowedValues?: string[]; description: string | null; schema: Record<string, unknown> }>;
  outputs: { count: number | null; description: string | null; output: string | null };
  credentials: { types: string[]; required: boolean };
  example: { id: string; name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, { id: string }> } | null;
};

/** GET /node-types and the node schemas of the OpenAPI document (README.md), from the node descriptions. */
describe('GET /node-types', () => {
  let t: TestApp;
  let nodeTypes: NodeType[];

  beforeAll(async () => {
    t = await startTestApp();
    nodeTypes = (await t.http.get('/node-types').set(t.admin).expect(200)).body;
  });
  afterAll(() => t?.close());

  it('lists every registered node type, documented: summary, parameters, outputs, credentials and an example', () => {
    const registered = t.app.get(NodeRegistry).types();
    expect(registered).toEqual(expect.arrayContaining(BUILT_IN));
    expect(nodeTypes.map((nodeType) => nodeType.type)).toEqual(registered);
    for (const nodeType of nodeTypes) {
      expect(nodeType.summary, nodeType.type).toEqual(expect.any(String));
      expect(nodeType.outputs.output, nodeType.type).toEqual(expect.any(String));
      expect(nodeType.example, nodeType.type).toMatchObject({ type: nodeType.type, parameters: expect.any(Object) });
      for (const parameter of nodeType.parameters) expect(parameter.description, `${nodeType.type}.${parameter.name}`).toEqual(expect.any(String));
    }
  });

  it("gives each parameter's type, default, allowed values and whether it is required", () => {
    const http = nodeTypes.find((nodeType) => nodeType.type === 'httpRequest')!;
    const byName = new Map(http.parameters.map((parameter) => [parameter.name, parameter]));
    expect(byName.get('method')).toMatchObject({ type: 'string', required: false, default: 'GET', allowedValues: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] });
    expect(byName.get('url')).toMatchObject({ type: 'string', required: true });
    expect(byName.get('timeoutMs')).toMatchObject({ type: 'integer', default: 30_000, schema: { default: 30_000, anyOf: [{ type: 'integer', minimum: 1, maximum: 300_000 }, { type: 'string' }] } });
    expect(http.credentials).toEqual({ types: ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth'], required: false });
    expect(http.outputs).toMatchObject({ count: 1, output: expect.stringContaining('{ status, headers, data }') });

    const condition = nodeTypes.find((nodeType) => nodeType.type === 'condition')!;
    expect(condition.outputs).toMatchObject({ count: null, description: expect.stringContaining('defaultOutput') });
    expect(nodeTypes.find((nodeType) => nodeType.type === 'sendEmail')!.credentials).toEqual({ types: ['resend'], required: true });
  });

  it('needs an API key, like every admin route', async () => {
    await t.http.get('/node-types').expect(401);
    const member = await t.createMember('node-types-reader');
    await t.http.get('/node-types').set(member.auth).expect(200);
  });

  it("has examples that pass validation: each one saves through POST /workflows", async () => {
    const credentialIds = new Map<string, string>();
    for (const nodeType of nodeTypes) {
      const example = structuredClone(nodeType.example!);
      for (const [type, reference] of Object.entries(example.credentials ?? {})) {
        expect(reference.id).toBe('<credential id>');
        if (!credentialIds.has(type)) {
          const fields = CREDENTIAL_TYPES[type as CredentialType].fields;
          credentialIds.set(type, await createCredential(t, type, Object.fromEntries(fields.map((field) => [field, `example-${field}-value`]))));
        }
        reference.id = credentialIds.get(type)!;
      }
      const webhook = { id: 'w0', name: 'Example trigger', type: 'trigger', parameters: {} };
      const withTrigger = { name: `Example ${nodeType.type}`, nodes: [webhook, example], connections: { [webhook.name]: { main: [[{ node: example.name, type: 'main', index: 0 }]] } } };
      let response = await t.http.post('/workflows').set(t.admin).send(nodeType.type === 'trigger' ? { name: 'Example trigger', nodes: [example] } : withTrigger);
      // A trigger of another kind (a schedule) stands alone: a workflow has exactly one trigger.
      if (response.status === 400 && JSON.stringify(response.body.message).includes('exactly one')) {
        response = await t.http.post('/workflows').set(t.admin).send({ name: `Example ${nodeType.type}`, nodes: [example] });
      }
      expect(response.status, `${nodeType.type}: ${JSON.stringify(response.body)}`).toBe(201);
      expect(response.body.warnings ?? [], nodeType.type).toEqual([]);
    }
  });

  it('names the node, the parameter and the known parameters when a parameter is unknown', async () => {
    const response = await t.http
      .post('/workflows')
      .set(t.admin)
      .send({
        name: 'Typo',
        nodes: [
          { id: 'a', name: 'Webhook', type: 'trigger', parameters: {} },
          { id: 'b', name: 'Call API', type: 'httpRequest', parameters: { url: 'https://example.com', timeout: 5000 } },
        ],
        connections: { Webhook: { main: [[{ node: 'Call API', type: 'main', index: 0 }]] } },
      })
      .expect(400);
    expect(response.body.message).toEqual([
      'node "Call API": parameter "timeout" is not a known parameter (known: method, url, headers, query, body, bodyType, authentication, timeoutMs, responseFormat, failOnHttpError, followRedirects, maxResponseBytes)',
    ]);
  });

  it('generates one OpenAPI schema per node type, discriminated by type, for the nodes of a workflow', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const schemas = doc.components.schemas;
    const nodeList = schemas.CreateWorkflowDto.properties.nodes;
    expect(nodeList.type).toBe('array');
    expect(nodeList.items.discriminator.propertyName).toBe('type');
    const mapping = nodeList.items.discriminator.mapping;
    expect(Object.keys(mapping).sort()).toEqual(nodeTypes.map((nodeType) => nodeType.type));
    expect(nodeList.items.oneOf).toHaveLength(nodeTypes.length);
    // PUT and the workflow answers show the same union.
    expect(schemas.ReplaceWorkflowDto.properties.nodes.items).toEqual(nodeList.items);
    for (const nodeType of nodeTypes) {
      const name = nodeSchemaName(nodeType.type);
      expect(mapping[nodeType.type]).toBe(`#/components/schemas/${name}`);
      const schema = schemas[name];
      expect(schema.properties.type).toMatchObject({ enum: [nodeType.type] });
      expect(Object.keys(schema.properties.parameters.properties ?? {})).toEqual(nodeType.parameters.map((parameter) => parameter.name));
      expect(schema.properties.parameters.additionalProperties).not.toBeUndefined();
      expect(schema.example).toEqual(nodeType.example);
      // The node-level fields stay documented in each type's schema.
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['id', 'name', 'retryOnFail', 'continueOnFail', 'timeoutMs']));
    }
    const sendEmail = schemas[nodeSchemaName('sendEmail')];
    expect(sendEmail.properties.parameters.required).toEqual(['fromEmail', 'toEmail', 'subject']);
    expect(sendEmail.properties.credentials.properties).toHaveProperty('resend');
    expect(schemas[nodeSchemaName('httpRequest')].properties.parameters.properties.failOnHttpError).toMatchObject({ default: true, anyOf: [{ type: 'boolean' }, { $ref: '#/components/schemas/Expression' }] });
    expect(doc.paths['/node-types'].get.security).toEqual([{ bearer: [] }]);
  });

  it("keeps one example for a workflow's node list, and the body built from the examples saves", async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const properties = doc.components.schemas.CreateWorkflowDto.properties as Record<string, { example?: unknown }>;
    expect(properties.nodes.example).toEqual([expect.objectContaining({ type: 'trigger' }), expect.objectContaining({ type: 'condition' })]);
    const body = Object.fromEntries(Object.entries(properties).filter(([, property]) => property.example !== undefined).map(([name, property]) => [name, property.example]));
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['name', 'nodes', 'connections']));
    const created = await t.http.post('/workflows').set(t.admin).send(body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });
});
