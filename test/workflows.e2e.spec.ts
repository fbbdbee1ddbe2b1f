import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/common/uuid.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Auth = { Authorization: string };
type Node = Record<string, unknown> & { name: string };
type Body = Record<string, unknown> & { nodes: Node[]; connections: Record<string, unknown> };

const to = (node: string, index = 0) => ({ node, type: 'main', index });

/** docs/workflows.md's example with `set` nodes in place of sendEmail/sendTelegram; `overrides` replace top-level fields. */
function workflowBody(overrides: Record<string, unknown> = {}): Body {
  return {
    name: `Score router ${newId()}`,
    nodes: [
      { id: 'a1', name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['email', 'score'] } },
      {
        id: 'a2',
        name: 'Check score',
        type: 'condition',
        parameters: {
          conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }],
          defaultOutput: 1,
        },
      },
      { id: 'a3', name: 'High', type: 'set', parameters: { values: { text: 'Hello {{ $trigger.body.name }}' } }, retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 },
      { id: 'a4', name: 'Low', type: 'set', parameters: { values: { score: '{{ $trigger.body.score }}' } }, continueOnFail: true },
    ],
    connections: {
      Webhook: { main: [[to('Check score')]] },
      'Check score': { main: [[to('High')], [to('Low')]] },
    },
    settings: { timeoutMs: 300000 },
    ...overrides,
  };
}

/** The base body with `node` added after "Low" (so it is reachable) unless `connect` is false. */
function withNode(node: Node, connect = true): Body {
  const body = workflowBody();
  return { ...body, nodes: [...body.nodes, node], connections: connect ? { ...body.connections, Low: { main: [[to(node.name)]] } } : body.connections };
}

function withNodeChange(name: string, change: Record<string, unknown>): Body {
  const body = workflowBody();
  return { ...body, nodes: body.nodes.map((node) => (node.name === name ? { ...node, ...change } : node)) };
}

describe('workflows API', () => {
  let t: TestApp;
  let db: DataSource;
  let adminId: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    adminId = (await t.http.get('/users/me').set(t.admin).expect(200)).body.id;
  });
  afterAll(() => t.close());

  const create = async (auth: Auth, body: Record<string, unknown> = workflowBody()) => (await t.http.post('/workflows').set(auth).send(body).expect(201)).body;

  async function insertCredential(ownerId: string, type: string): Promise<string> {
    const id = newId();
    await db.query(`INSERT INTO credentials (id, "ownerId", name, type, data, fields) VALUES ($1, $2, $3, $4, $5, '[]')`, [id, ownerId, `${type} key`, type, 'not-really-encrypted']);
    return id;
  }

  async function snapshots(workflowId: string): Promise<Array<{ version: number; name: string; nodes: Node[] }>> {
    return db.query('SELECT version, name, nodes FROM workflow_versions WHERE "workflowId" = $1 ORDER BY version', [workflowId]);
  }

  describe('POST /workflows', () => {
    it('creates a workflow owned by the caller, at version 1 with its snapshot', async () => {
      const body = workflowBody({ description: 'routes scores' });
      const created = await create(t.admin, body);
      expect(created).toMatchObject({
        ownerId: adminId,
        name: body.name,
        description: 'routes scores',
        active: false,
        nodes: body.nodes,
        connections: body.connections,
        settings: { timeoutMs: 300000 },
        version: 1,
        triggerCount: 0,
        warnings: [],
      });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect((await snapshots(created.id)).map((row) => row.version)).toEqual([1]);
    });

    it('answers warnings for nodes the trigger does not reach', async () => {
      const created = await create(t.admin, withNode({ id: 'x1', name: 'Orphan', type: 'noOp', parameters: {} }, false));
      expect(created.warnings).toEqual(['node "Orphan" is not reachable from the trigger']);
    });

    it('creates an active workflow when asked', async () => {
      expect((await create(t.admin, workflowBody({ active: true }))).active).toBe(true);
    });

    it('keeps parameters exactly as sent: nested objects, arrays, nulls and expressions', async () => {
      const parameters = {
        values: {
          nested: { deeper: { list: [1, 'two', { three: 3 }, null, true], empty: {} } },
          whole: '{{ {"a": {"b": $trigger.body.score}} }}',
          text: 'Score: {{ $trigger.body.score }} for {{ $node.`Check score`.email }}',
          unicode: 'héllo ✓',
          zero: 0,
        },
        includeInput: true,
      };
      const node = { id: 'p1', name: 'Rich', type: 'set', parameters, position: [250, 300], notes: 'keep me', disabled: false, timeoutMs: 5000 };
      const created = await create(t.admin, withNode(node));
      const fetched = (await t.http.get(`/workflows/${created.id}`).set(t.admin).expect(200)).body;
      expect(fetched.nodes.find((n: Node) => n.name === 'Rich')).toEqual(node);
      expect(created.nodes).toEqual(fetched.nodes);
    });

    it('rejects unknown body fields, server-owned fields included', async () => {
      const extra = await t.http.post('/workflows').set(t.admin).send(workflowBody({ ownerId: newId() })).expect(400);
      expect(extra.body.message).toContain('property ownerId should not exist');
      const nodeField = await t.http.post('/workflows').set(t.admin).send(withNode({ id: 'u', name: 'Odd', type: 'noOp', color: 'red' })).expect(400);
      expect(nodeField.body.message).toEqual(['nodes.4.property color should not exist']);
    });

    it('rejects a body without name or nodes', async () => {
      const response = await t.http.post('/workflows').set(t.admin).send({}).expect(400);
      expect(response.body.message).toEqual(expect.arrayContaining(['name must be a string', 'nodes must be an array']));
    });

    const rejects: Array<[string, () => Body, string | RegExp]> = [
      ['duplicate node names', () => withNode({ id: 'a5', name: 'High', type: 'noOp', parameters: {} }, false), 'node "High": field "name" must be unique, but 2 nodes are named "High"'],
      ['duplicate node ids', () => withNodeChange('Low', { id: 'a3' }), 'node "Low": field "id" ("a3") is already used by node "High"'],
      ['an unknown node type', () => withNode({ id: 'x', name: 'Teleport', type: 'teleport', parameters: {} }), 'node "Teleport": field "type": unknown node type "teleport"'],
      ['a connection from a missing node', () => ({ ...workflowBody(), connections: { ...workflowBody().connections, Ghost: { main: [[to('High')]] } } }), 'connections."Ghost": source node "Ghost" does not exist'],
      ['a connection to a missing node', () => ({ ...workflowBody(), connections: { ...workflowBody().connections, High: { main: [[to('Ghost')]] } } }), 'connections."High".main[0][0]: target node "Ghost" does not exist'],
      ['an output the node lacks', () => ({ ...workflowBody(), connections: { ...workflowBody().connections, High: { main: [[], [to('Low')]] } } }), 'connections."High".main[1]: node "High" has 1 output(s), so output 1 does not exist'],
      ['a cycle', () => ({ ...workflowBody(), connections: { ...workflowBody().connections, Low: { main: [[to('Check score')]] } } }), 'connections: nodes "Check score" → "Low" → "Check score" form a cycle'],
      ['no trigger', () => withNodeChange('Webhook', { type: 'noOp', parameters: {} }), 'nodes: a workflow needs exactly one "trigger" or "schedule" node, found none'],
      ['two triggers', () => withNode({ id: 't2', name: 'Second trigger', type: 'trigger', parameters: {} }, false), 'nodes: a workflow needs exactly one "trigger" or "schedule" node, found 2 ("Webhook", "Second trigger")'],
      ['parameters failing the schema', () => withNodeChange('High', { parameters: { values: {}, includeInput: 'yes' } }), 'node "High": parameter "includeInput" must be a boolean, got string'],
      ['a missing required parameter', () => withNodeChange('High', { parameters: {} }), 'node "High": parameter "values" is required'],
      ['an expression that does not parse', () => withNodeChange('High', { parameters: { values: { text: 'Hi {{ $trigger.body. }}' } } }), /^node "High": parameter "values\.text": invalid expression: .+/],
      ['maxTries out of range', () => withNodeChange('High', { maxTries: 11 }), 'node "High": field "maxTries" must be an integer from 1 to 10'],
      ['waitBetweenTries out of range', () => withNodeChange('High', { waitBetweenTries: 60001 }), 'node "High": field "waitBetweenTries" must be an integer from 0 to 60000'],
      ['timeoutMs out of range', () => withNodeChange('High', { timeoutMs: 0 }), 'node "High": field "timeoutMs" must be an integer from 1 to 3600000'],
      ['a non-boolean retryOnFail', () => withNodeChange('High', { retryOnFail: 'yes' }), 'node "High": field "retryOnFail" must be a boolean'],
      ['a non-integer maxTries', () => withNodeChange('High', { maxTries: '3' }), 'node "High": field "maxTries" must be an integer from 1 to 10'],
      ['more than 200 nodes', () => workflowBody({ nodes: Array.from({ length: 201 }, (_, i) => ({ id: `n${i}`, name: `n${i}`, type: i ? 'noOp' : 'trigger', parameters: {} })), connections: {} }), 'nodes: a workflow has at most 200 nodes, got 201'],
      ['settings.timeoutMs out of range', () => workflowBody({ settings: { timeoutMs: 10 } }), 'settings: field "timeoutMs" must be an integer from 1000 to 86400000'],
      ['settings.concurrency out of range', () => workflowBody({ settings: { concurrency: 0 } }), 'settings: field "concurrency" must be an integer from 1 to 1000, or { limit, key }'],
      ['a bad settings.saveNodeData', () => workflowBody({ settings: { saveNodeData: 'some' } }), 'settings: field "saveNodeData" must be one of all, errorsOnly'],
      ['an unknown setting', () => workflowBody({ settings: { retries: 3 } }), 'settings: unknown setting "retries" (known: timeoutMs, concurrency, saveNodeData, errorWorkflow)'],
      [
        'a missing required credential',
        () => withNode({ id: 'e', name: 'Email', type: 'sendEmail', parameters: { fromEmail: 'a@example.com', toEmail: 'b@example.com', subject: 's', body: 'b' } }),
        'node "Email": field "credentials": a sendEmail node needs a "resend" credential',
      ],
      [
        'a credential type the node does not accept',
        () => withNodeChange('High', { credentials: { resend: { id: newId() } } }),
        'node "High": field "credentials": a set node does not accept "resend" credentials (accepted: none)',
      ],
    ];

    it.each(rejects)('answers 400 for %s, naming the node and field', async (_, body, message) => {
      const response = await t.http.post('/workflows').set(t.admin).send(body()).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message).toEqual([expect.stringMatching(typeof message === 'string' ? new RegExp(`^${escapeRegExp(message)}$`) : message)]);
    });
  });

  describe('credential references', () => {
    const emailNode = (credentialId: string) => ({
      id: 'e1',
      name: 'Email',
      type: 'sendEmail',
      credentials: { resend: { id: credentialId } },
      parameters: { fromEmail: 'noreply@example.com', toEmail: '{{ $trigger.body.email }}', subject: 'Your score', body: 'Hello' },
    });

    it("accepts the owner's credential of the right type", async () => {
      const member = await t.createMember();
      const credentialId = await insertCredential(member.id, 'resend');
      const created = await create(member.auth, withNode(emailNode(credentialId)));
      expect(created.nodes[4].credentials).toEqual({ resend: { id: credentialId } });
    });

    it('rejects a credential that does not exist', async () => {
      const missing = newId();
      const response = await t.http.post('/workflows').set(t.admin).send(withNode(emailNode(missing))).expect(400);
      expect(response.body.message).toEqual([`node "Email": field "credentials.resend": credential "${missing}" does not exist or belongs to another user`]);
    });

    it("rejects another user's credential", async () => {
      const [owner, other] = [await t.createMember('owner'), await t.createMember('other')];
      const foreign = await insertCredential(other.id, 'resend');
      const response = await t.http.post('/workflows').set(owner.auth).send(withNode(emailNode(foreign))).expect(400);
      expect(response.body.message).toEqual([`node "Email": field "credentials.resend": credential "${foreign}" does not exist or belongs to another user`]);
    });

    it("rejects an admin's credential in a member's workflow, even when the admin edits it", async () => {
      const member = await t.createMember();
      const workflow = await create(member.auth);
      const adminCredential = await insertCredential(adminId, 'resend');
      const response = await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...withNode(emailNode(adminCredential)), version: 1 }).expect(400);
      expect(response.body.message[0]).toContain('does not exist or belongs to another user');
    });

    it('rejects a credential of another type than its key', async () => {
      const member = await t.createMember();
      const telegram = await insertCredential(member.id, 'telegram');
      const response = await t.http.post('/workflows').set(member.auth).send(withNode(emailNode(telegram))).expect(400);
      expect(response.body.message).toEqual([`node "Email": field "credentials.resend": credential "${telegram}" is a "telegram" credential, not "resend"`]);
    });
  });

  describe('GET /workflows', () => {
    it('pages newest first with limit and cursor, without nodes or connections', async () => {
      const member = await t.createMember();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await create(member.auth)).id);
      const first = (await t.http.get('/workflows?limit=2').set(member.auth).expect(200)).body;
      expect(first.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
      expect(first.nextCursor).toBe(ids[1]);
      expect(first.items[0]).not.toHaveProperty('nodes');
      expect(first.items[0]).not.toHaveProperty('connections');
      expect(first.items[0]).toMatchObject({ ownerId: member.id, version: 1, active: false, settings: { timeoutMs: 300000 } });
      const second = (await t.http.get(`/workflows?limit=2&cursor=${first.nextCursor}`).set(member.auth).expect(200)).body;
      expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    });

    it('searches names case-insensitively, taking % and _ literally', async () => {
      const member = await t.createMember();
      await create(member.auth, workflowBody({ name: 'Invoice Router' }));
      await create(member.auth, workflowBody({ name: 'invoices_archive' }));
      await create(member.auth, workflowBody({ name: 'Payroll 100%' }));
      const names = async (search: string) =>
        (await t.http.get('/workflows').query({ search }).set(member.auth).expect(200)).body.items.map((item: { name: string }) => item.name).sort();
      expect(await names('INVOICE')).toEqual(['Invoice Router', 'invoices_archive']);
      expect(await names('s_a')).toEqual(['invoices_archive']);
      expect(await names('0%')).toEqual(['Payroll 100%']);
      expect(await names('%')).toEqual(['Payroll 100%']);
    });

    it('filters by active', async () => {
      const member = await t.createMember();
      const on = await create(member.auth, workflowBody({ active: true }));
      const off = await create(member.auth);
      const ids = async (active: string) => (await t.http.get(`/workflows?active=${active}`).set(member.auth).expect(200)).body.items.map((item: { id: string }) => item.id);
      expect(await ids('true')).toEqual([on.id]);
      expect(await ids('false')).toEqual([off.id]);
    });

    it('rejects bad query parameters', async () => {
      await t.http.get('/workflows?limit=0').set(t.admin).expect(400);
      await t.http.get('/workflows?limit=201').set(t.admin).expect(400);
      await t.http.get('/workflows?cursor=nope').set(t.admin).expect(400);
      const active = await t.http.get('/workflows?active=maybe').set(t.admin).expect(400);
      expect(active.body.message).toEqual(['active must be true or false']);
    });
  });

  describe('GET /workflows/:id', () => {
    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      await t.http.get(`/workflows/${newId()}`).set(t.admin).expect(404);
      await t.http.get('/workflows/not-a-uuid').set(t.admin).expect(400);
    });

    it('needs an API key', async () => {
      await t.http.get(`/workflows/${newId()}`).expect(401);
    });
  });

  describe('PUT /workflows/:id', () => {
    it('replaces the definition at the current version, bumping it and storing the snapshot', async () => {
      const workflow = await create(t.admin);
      const replacement = withNode({ id: 'n1', name: 'Tail', type: 'noOp', parameters: {} });
      const replaced = (await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...replacement, name: 'Renamed', version: 1 }).expect(200)).body;
      expect(replaced).toMatchObject({ id: workflow.id, name: 'Renamed', version: 2, nodes: replacement.nodes, connections: replacement.connections, description: '', warnings: [] });
      expect(new Date(replaced.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(workflow.updatedAt).getTime());
      const rows = await snapshots(workflow.id);
      expect(rows.map((row) => [row.version, row.name])).toEqual([
        [1, workflow.name],
        [2, 'Renamed'],
      ]);
      expect(rows[1].nodes).toEqual(replacement.nodes);
    });

    it('answers 409 for a stale version and changes nothing', async () => {
      const workflow = await create(t.admin);
      await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...workflowBody({ name: 'first' }), version: 1 }).expect(200);
      const stale = await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...workflowBody({ name: 'second' }), version: 1 }).expect(409);
      expect(stale.body.message).toContain('is at version 2, not 1');
      const current = (await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(200)).body;
      expect(current).toMatchObject({ name: 'first', version: 2 });
      expect(await snapshots(workflow.id)).toHaveLength(2);
    });

    it('lets exactly one of two concurrent replacements of the same version win', async () => {
      const workflow = await create(t.admin);
      const put = (name: string) => t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...workflowBody({ name }), version: 1 });
      const statuses = (await Promise.all([put('left'), put('right')])).map((response) => response.status).sort();
      expect(statuses).toEqual([200, 409]);
      expect((await snapshots(workflow.id)).map((row) => row.version)).toEqual([1, 2]);
    });

    it('keeps `active` when omitted and requires `version`', async () => {
      const workflow = await create(t.admin, workflowBody({ active: true }));
      const replaced = (await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...workflowBody(), version: 1 }).expect(200)).body;
      expect(replaced.active).toBe(true);
      const missing = await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send(workflowBody()).expect(400);
      expect(missing.body.message).toContain('version must be an integer number');
    });

    it('accepts what GET answered, read-only fields ignored, version still checked and unknown fields refused', async () => {
      const workflow = await create(t.admin);
      await t.http.post('/webhooks').set(t.admin).send({ workflowId: workflow.id, method: 'POST' }).expect(201);
      const fetched = (await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(200)).body;
      const sentBack = { ...fetched, name: 'Round trip', id: newId(), ownerId: newId(), triggerCount: 99, createdAt: '2000-01-01T00:00:00.000Z', warnings: ['x'] };
      const replaced = (await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send(sentBack).expect(200)).body;
      expect(replaced).toMatchObject({ id: workflow.id, ownerId: fetched.ownerId, name: 'Round trip', version: 2, triggerCount: fetched.triggerCount, createdAt: fetched.createdAt, nodes: fetched.nodes });
      // Every field GET answers goes back unchanged.
      const again = (await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(200)).body;
      await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send(again).expect(200);
      const stale = await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send(fetched).expect(409);
      expect(stale.body.message).toContain('not 1');
      const unknown = await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...again, version: 3, colour: 'red' }).expect(400);
      expect(unknown.body.message).toEqual(['property colour should not exist']);
    });

    it('validates like create', async () => {
      const workflow = await create(t.admin);
      const response = await t.http.put(`/workflows/${workflow.id}`).set(t.admin).send({ ...withNodeChange('High', { maxTries: 0 }), version: 1 }).expect(400);
      expect(response.body.message).toEqual(['node "High": field "maxTries" must be an integer from 1 to 10']);
    });
  });

  describe('PATCH /workflows/:id', () => {
    it('changes name, description and settings, bumping the version', async () => {
      const workflow = await create(t.admin);
      const patched = (await t.http.patch(`/workflows/${workflow.id}`).set(t.admin).send({ name: 'Patched', description: 'd', settings: { concurrency: 5, saveNodeData: 'errorsOnly' } }).expect(200)).body;
      expect(patched).toMatchObject({ name: 'Patched', description: 'd', settings: { concurrency: 5, saveNodeData: 'errorsOnly' }, version: 2, nodes: workflow.nodes, warnings: [] });
      expect((await snapshots(workflow.id)).map((row) => row.name)).toEqual([workflow.name, 'Patched']);
    });

    it('validates settings and rejects graph fields', async () => {
      const workflow = await create(t.admin);
      const settings = await t.http.patch(`/workflows/${workflow.id}`).set(t.admin).send({ settings: { timeoutMs: 5 } }).expect(400);
      expect(settings.body.message).toEqual(['settings: field "timeoutMs" must be an integer from 1000 to 86400000']);
      const nodes = await t.http.patch(`/workflows/${workflow.id}`).set(t.admin).send({ nodes: [] }).expect(400);
      expect(nodes.body.message).toEqual(['property nodes should not exist']);
    });

    it('changes nothing for an empty body', async () => {
      const workflow = await create(t.admin);
      expect((await t.http.patch(`/workflows/${workflow.id}`).set(t.admin).send({}).expect(200)).body.version).toBe(1);
    });
  });

  describe('activate and deactivate', () => {
    it('toggles active, bumping the version once per change', async () => {
      const workflow = await create(t.admin);
      const active = (await t.http.post(`/workflows/${workflow.id}/activate`).set(t.admin).expect(200)).body;
      expect(active).toMatchObject({ active: true, version: 2 });
      expect((await t.http.post(`/workflows/${workflow.id}/activate`).set(t.admin).expect(200)).body).toMatchObject({ active: true, version: 2 });
      expect((await t.http.post(`/workflows/${workflow.id}/deactivate`).set(t.admin).expect(200)).body).toMatchObject({ active: false, version: 3 });
      expect((await snapshots(workflow.id)).map((row) => row.version)).toEqual([1, 2, 3]);
    });
  });

  describe('DELETE /workflows/:id', () => {
    it('deletes the workflow and its webhooks, keeping executions and snapshots', async () => {
      const workflow = await create(t.admin);
      const webhookId = newId();
      const executionId = newId();
      await db.query(`INSERT INTO webhooks (id, "workflowId", method) VALUES ($1, $2, 'POST')`, [webhookId, workflow.id]);
      await db.query(`INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "createdAt") VALUES ($1, $2, 1, $3, 'manual', 'COMPLETED', now())`, [
        executionId,
        workflow.id,
        adminId,
      ]);
      await t.http.delete(`/workflows/${workflow.id}`).set(t.admin).expect(204);
      await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(404);
      await t.http.delete(`/workflows/${workflow.id}`).set(t.admin).expect(404);
      expect(await db.query('SELECT id FROM webhooks WHERE id = $1', [webhookId])).toEqual([]);
      expect(await db.query('SELECT id FROM workflow_executions WHERE id = $1', [executionId])).toHaveLength(1);
      expect(await snapshots(workflow.id)).toHaveLength(1);
    });
  });

  describe('ownership', () => {
    it("hides a member's workflow from other members, but not from admins", async () => {
      const [owner, other] = [await t.createMember('owner'), await t.createMember('other')];
      const workflow = await create(owner.auth);
      const path = `/workflows/${workflow.id}`;
      await t.http.get(path).set(other.auth).expect(404);
      await t.http.put(path).set(other.auth).send({ ...workflowBody(), version: 1 }).expect(404);
      await t.http.patch(path).set(other.auth).send({ name: 'mine now' }).expect(404);
      await t.http.post(`${path}/activate`).set(other.auth).expect(404);
      await t.http.post(`${path}/deactivate`).set(other.auth).expect(404);
      await t.http.delete(path).set(other.auth).expect(404);
      expect((await t.http.get('/workflows').set(other.auth).expect(200)).body.items).toEqual([]);

      expect((await t.http.get(path).set(owner.auth).expect(200)).body).toMatchObject({ name: workflow.name, version: 1, ownerId: owner.id });
      const adminList = (await t.http.get('/workflows').query({ search: workflow.name }).set(t.admin).expect(200)).body.items;
      expect(adminList.map((item: { id: string }) => item.id)).toEqual([workflow.id]);
      const edited = (await t.http.patch(path).set(t.admin).send({ description: 'by admin' }).expect(200)).body;
      expect(edited).toMatchObject({ ownerId: owner.id, description: 'by admin' });
    });
  });

  describe('bodies that are not a JSON object (docs/api-and-executions.md)', () => {
    const bodies: Array<[string, string | undefined, string]> = [
      ['no Content-Type', undefined, '{"name":"x"}'],
      ['text/plain', 'text/plain', '{"name":"x"}'],
      ['XML', 'application/xml', '<workflow><name>x</name></workflow>'],
      ['a form', 'application/x-www-form-urlencoded', 'name=x'],
    ];
    for (const [label, contentType, text] of bodies) {
      it(`answers 415 naming application/json for a body sent as ${label}`, async () => {
        const workflow = await create(t.admin);
        const requests = [t.http.post('/workflows'), t.http.put(`/workflows/${workflow.id}`), t.http.patch(`/workflows/${workflow.id}`), t.http.post('/credentials'), t.http.post('/webhooks')];
        for (const request of requests) {
          const sent = request.set(t.admin);
          if (contentType) sent.set('Content-Type', contentType);
          else sent.unset('Content-Type');
          const response = await sent.send(Buffer.from(text));
          expect(response.status, JSON.stringify(response.body)).toBe(415);
          expect(response.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
          expect(response.body.message).toContain('application/json');
        }
      });
    }

    for (const json of ['null', '[]', '[{"name":"x"}]', '42', '"text"', 'true']) {
      it(`answers 400 saying an object is expected for ${json}`, async () => {
        const response = await t.http.post('/workflows').set(t.admin).set('Content-Type', 'application/json').send(json).expect(400);
        expect(response.body.message).toBe('Request body must be a JSON object ({ … })');
      });
    }

    it('still takes an empty POST (no body, no Content-Type) and JSON with a charset', async () => {
      const workflow = await create(t.admin);
      await t.http.post(`/workflows/${workflow.id}/activate`).set(t.admin).expect(200);
      await t.http.post('/workflows').set(t.admin).set('Content-Type', 'application/json; charset=utf-8').send(JSON.stringify(workflowBody())).expect(201);
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths['/workflows'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/workflows/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete']));
    expect(doc.paths['/workflows/{id}'].put.responses).toHaveProperty('409');
    expect(doc.paths['/workflows/{id}/activate'].post.summary).toBe('Activate a workflow');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
