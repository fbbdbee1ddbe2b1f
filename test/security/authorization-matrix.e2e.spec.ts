import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from '../support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/test-app.js';
import { documentedRoutes, fillPath, isPublicPath, routeKey, sleep, type DocumentedRoute } from './security-support.js';

type Auth = { Authorization: string };
interface Actor {
  id: string;
  auth: Auth;
}

/** Who calls: five ways to be nobody, then the owner, another member and an admin (docs/security.md). */
type Caller = 'none' | 'malformed' | 'wrong' | 'revoked' | 'expired' | 'owner' | 'other' | 'admin';
const UNAUTHENTICATED: Caller[] = ['none', 'malformed', 'wrong', 'revoked', 'expired'];

/** What one call of a route needs: the path parameters and the body, for resources of `owner`. */
interface Call {
  params: Record<string, string>;
  body?: Record<string, unknown>;
}

interface RouteCase {
  /** Only admins may call it: members get 403. */
  adminOnly?: boolean;
  /** A member who does not own the resource gets 404 (never 403, never the data). */
  ownerScoped?: boolean;
  /** Status of a successful call. */
  ok: number;
  /** Builds a call on resources of `owner`; destructive routes build fresh ones for every call. */
  prepare(owner: Actor): Promise<Call>;
}

describe('authorisation matrix over every documented admin route (docs/security.md)', () => {
  let t: TestApp;
  let owner: Actor;
  let other: Actor;
  let admin: Actor;
  let revokedKey: string;
  let expiredKey: string;
  let cases = 0;
  /** The owner's long-lived resources; checked untouched at the end. */
  const base: Record<string, string> = {};

  const send = (method: string, path: string, auth: Partial<Auth> | undefined, body?: Record<string, unknown>) => {
    let request = t.http[method as 'get'](path);
    if (auth?.Authorization !== undefined) request = request.set('Authorization', auth.Authorization);
    return body ? request.send(body) : request;
  };

  // --- resources ---------------------------------------------------------------------------------
  const simpleWorkflow = (name = 'matrix') =>
    workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Build', type: 'set', parameters: { values: { ok: true, seen: '{{ $context.n }}' } } },
      ],
      [['Start', 'Build']],
      { name: `${name}-${randomBytes(3).toString('hex')}` },
    );
  const newWorkflow = async (actor: Actor) => (await createWorkflow(t, simpleWorkflow(), actor.auth)).id;
  const newCredential = async (actor: Actor) => {
    const response = await t.http.post('/credentials').set(actor.auth).send({ name: `cred-${randomBytes(3).toString('hex')}`, type: 'httpBearerAuth', data: { token: `tok-${randomBytes(8).toString('hex')}` } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as string;
  };
  const newWebhook = async (actor: Actor, workflowId?: string) => (await createWebhook(t, workflowId ?? (await newWorkflow(actor)), {}, actor.auth)).id;
  /** A FAILED execution of one of the actor's workflows (a manual run whose node throws). */
  const failedExecution = async (actor: Actor) => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Boom', type: 'set', parameters: { values: { x: '{{ $error("planned failure") }}' } } },
      ],
      [['Start', 'Boom']],
    );
    const workflow = await createWorkflow(t, body, actor.auth);
    const run = await t.http.post(`/workflows/${workflow.id}/run`).set(actor.auth).send({ body: {} });
    expect(run.status, JSON.stringify(run.body)).toBe(500);
    return run.body.executionId as string;
  };
  /** A WAITING execution (a wait node that waits for a resume), so that it can be canceled. */
  const waitingExecution = async (actor: Actor) => {
    const body = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Hold', type: 'wait', parameters: { mode: 'resume', timeoutMs: 600_000 } },
      ],
      [['Start', 'Hold']],
    );
    const workflow = await createWorkflow(t, body, actor.auth);
    const hook = await createWebhook(t, workflow.id, {}, actor.auth);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({}).expect(202);
    const id = accepted.body.executionId as string;
    const deadline = Date.now() + 10_000;
    while ((await t.http.get(`/executions/${id}`).set(actor.auth)).body.status !== 'WAITING') {
      if (Date.now() > deadline) throw new Error(`execution ${id} never reached WAITING`);
      await sleep(25);
    }
    return id;
  };
  const newApiKey = async (userId: string, extra: Record<string, unknown> = {}) => {
    const response = await t.http.post(`/users/${userId}/api-keys`).set(t.admin).send({ name: 'matrix', ...extra });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; key: string };
  };

  // --- the table: one entry per documented admin route ------------------------------------------
  const ROUTES: Record<string, RouteCase> = {
    'GET /users/me': { ok: 200, prepare: async () => ({ params: {} }) },
    'POST /users': { adminOnly: true, ok: 201, prepare: async () => ({ params: {}, body: { email: `u-${randomBytes(4).toString('hex')}@example.com`, name: 'Someone' } }) },
    'GET /users': { adminOnly: true, ok: 200, prepare: async () => ({ params: {} }) },
    'POST /users/{id}/api-keys': { adminOnly: true, ok: 201, prepare: async (actor) => ({ params: { id: actor.id }, body: { name: 'another key' } }) },
    'DELETE /api-keys/{id}': { adminOnly: true, ok: 204, prepare: async (actor) => ({ params: { id: (await newApiKey(actor.id)).id } }) },
    'POST /workflows': { ok: 201, prepare: async () => ({ params: {}, body: simpleWorkflow('created') }) },
    'GET /workflows': { ok: 200, prepare: async () => ({ params: {} }) },
    'GET /workflows/{id}': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.workflow } }) },
    'PUT /workflows/{id}': {
      ownerScoped: true,
      ok: 200,
      prepare: async (actor) => {
        const id = await newWorkflow(actor);
        return { params: { id }, body: { ...simpleWorkflow('replaced'), version: 1 } };
      },
    },
    'PATCH /workflows/{id}': { ownerScoped: true, ok: 200, prepare: async (actor) => ({ params: { id: await newWorkflow(actor) }, body: { name: 'renamed' } }) },
    'DELETE /workflows/{id}': { ownerScoped: true, ok: 204, prepare: async (actor) => ({ params: { id: await newWorkflow(actor) } }) },
    'POST /workflows/{id}/activate': { ownerScoped: true, ok: 200, prepare: async (actor) => ({ params: { id: await newWorkflow(actor) } }) },
    'POST /workflows/{id}/deactivate': { ownerScoped: true, ok: 200, prepare: async (actor) => ({ params: { id: await newWorkflow(actor) } }) },
    'GET /workflows/{id}/schedule': {
      ownerScoped: true,
      ok: 200,
      prepare: async (actor) => ({
        params: { id: (await createWorkflow(t, workflowBody([{ name: 'Daily', type: 'schedule', parameters: { cron: '0 8 * * *' } }], [], { active: false }), actor.auth)).id },
      }),
    },
    'POST /workflows/{id}/run': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.workflow }, body: { body: { n: 1 } } }) },
    'GET /credentials/types': { ok: 200, prepare: async () => ({ params: {} }) },
    'POST /credentials': { ok: 201, prepare: async () => ({ params: {}, body: { name: 'new', type: 'resend', data: { apiKey: `re_${randomBytes(8).toString('hex')}` } } }) },
    'GET /credentials': { ok: 200, prepare: async () => ({ params: {} }) },
    'GET /credentials/{id}': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.credential } }) },
    'PATCH /credentials/{id}': { ownerScoped: true, ok: 200, prepare: async (actor) => ({ params: { id: await newCredential(actor) }, body: { name: 'renamed', data: { token: 'replaced-token' } } }) },
    'DELETE /credentials/{id}': { ownerScoped: true, ok: 204, prepare: async (actor) => ({ params: { id: await newCredential(actor) } }) },
    'POST /webhooks': { ownerScoped: true, ok: 201, prepare: async () => ({ params: {}, body: { workflowId: base.workflow, method: 'PUT' } }) },
    'GET /webhooks': { ok: 200, prepare: async () => ({ params: {} }) },
    'GET /webhooks/{id}': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.webhook } }) },
    'PATCH /webhooks/{id}': { ownerScoped: true, ok: 200, prepare: async (actor) => ({ params: { id: await newWebhook(actor) }, body: { active: false } }) },
    'DELETE /webhooks/{id}': { ownerScoped: true, ok: 204, prepare: async (actor) => ({ params: { id: await newWebhook(actor) } }) },
    'GET /executions': { ok: 200, prepare: async () => ({ params: {} }) },
    // Counts what the caller may see (test/execution-stats.e2e.spec.ts): another member's workflow counts nothing.
    'GET /executions/stats': { ok: 200, prepare: async () => ({ params: {} }) },
    // Another member's workflow is a 404 (docs/security.md), not an empty page.
    'GET /executions/workflow/{id}': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.workflow } }) },
    'GET /executions/{id}': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.execution } }) },
    'GET /executions/{id}/view': { ownerScoped: true, ok: 200, prepare: async () => ({ params: { id: base.execution } }) },
    // Bulk retry filters to what the caller owns rather than answering 404 (docs/failure-handling.md).
    'POST /executions/retry': { ok: 201, prepare: async () => ({ params: {}, body: { status: 'FAILED', workflowId: base.workflow, limit: 1 } }) },
    'GET /settings': { adminOnly: true, ok: 200, prepare: async () => ({ params: {} }) },
    'PUT /settings': { adminOnly: true, ok: 200, prepare: async () => ({ params: {}, body: { defaultErrorWorkflowId: null } }) },
    'POST /executions/{id}/view-link': { ownerScoped: true, ok: 201, prepare: async () => ({ params: { id: base.execution }, body: {} }) },
    'GET /node-types': { ok: 200, prepare: async () => ({ params: {} }) },
    'POST /executions/{id}/retry': { ownerScoped: true, ok: 201, prepare: async () => ({ params: { id: base.failed }, body: { from: 'start' } }) },
    'POST /executions/{id}/cancel': { ownerScoped: true, ok: 200, prepare: async (actor) => ({ params: { id: await waitingExecution(actor) } }) },
  };

  let routes: DocumentedRoute[];

  beforeAll(async () => {
    t = await startTestApp();
    admin = { id: (await t.http.get('/users/me').set(t.admin).expect(200)).body.id, auth: t.admin };
    owner = await t.createMember('owner');
    other = await t.createMember('other');
    base.workflow = await newWorkflow(owner);
    base.credential = await newCredential(owner);
    base.webhook = await newWebhook(owner, base.workflow);
    await t.http.post(`/workflows/${base.workflow}/run`).set(owner.auth).send({ body: { n: 7 } }).expect(200);
    base.execution = (await t.http.get(`/executions/workflow/${base.workflow}`).set(owner.auth).expect(200)).body.items[0].id;
    base.failed = await failedExecution(owner);

    const spare = await t.createMember('revoked');
    const revoked = await newApiKey(spare.id);
    await t.http.get('/users/me').set('Authorization', `Bearer ${revoked.key}`).expect(200);
    await t.http.delete(`/api-keys/${revoked.id}`).set(t.admin).expect(204);
    revokedKey = revoked.key;
    const expiresAt = Date.now() + 1500;
    const expiring = await newApiKey(spare.id, { expiresAt: new Date(expiresAt).toISOString() });
    await t.http.get('/users/me').set('Authorization', `Bearer ${expiring.key}`).expect(200);
    expiredKey = expiring.key;
    // The key worked a moment ago; once its expiry has passed it must not.
    await sleep(Math.max(0, expiresAt - Date.now() + 50));

    routes = (await documentedRoutes(t.http)).filter((route) => !isPublicPath(route.path));
  });
  afterAll(async () => {
    console.log(`authorization matrix: ${cases} cases`);
    await t?.close();
  });

  it('knows every documented admin route, and the document asks for the bearer key on each', () => {
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(ROUTES).length);
    expect(routes.map(routeKey).filter((key) => !ROUTES[key]), 'admin routes without a matrix entry').toEqual([]);
    expect(Object.keys(ROUTES).filter((key) => !routes.some((route) => routeKey(route) === key)), 'matrix entries the document lacks').toEqual([]);
    expect(routes.filter((route) => !route.bearer).map(routeKey)).toEqual([]);
  });

  /** The headers of each way to be nobody; `malformed` tries several shapes. */
  const unauthenticated = (caller: Caller): Array<Partial<Auth> | undefined> => {
    switch (caller) {
      case 'none':
        return [undefined];
      case 'malformed':
        return [
          { Authorization: ADMIN_KEY },
          { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}` },
          { Authorization: 'Bearer' },
          { Authorization: `Bearer ${ADMIN_KEY} extra` },
          { Authorization: `Token ${ADMIN_KEY}` },
          { Authorization: '' },
        ];
      case 'wrong':
        // A random key, and one sharing the admin key's stored prefix (the lookup index).
        return [{ Authorization: `Bearer wfe_${randomBytes(24).toString('hex')}` }, { Authorization: `Bearer ${ADMIN_KEY.slice(0, 8)}${'x'.repeat(ADMIN_KEY.length - 8)}` }];
      case 'revoked':
        return [{ Authorization: `Bearer ${revokedKey}` }];
      case 'expired':
        return [{ Authorization: `Bearer ${expiredKey}` }];
      default:
        throw new Error(caller);
    }
  };

  const expectUnauthorized = (response: Response, label: string) => {
    expect(response.status, label).toBe(401);
    expect(response.body, label).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(Object.keys(response.body).sort(), label).toEqual(expect.arrayContaining(['error', 'message', 'statusCode']));
    expect(response.body.items, label).toBeUndefined();
    expect(response.body.id, label).toBeUndefined();
  };

  it('answers 401 without a valid key: none, malformed, wrong, revoked, expired', async () => {
    for (const route of routes) {
      const entry = ROUTES[routeKey(route)];
      const call = await entry.prepare(owner);
      const path = fillPath(route.path, call.params);
      for (const caller of UNAUTHENTICATED) {
        for (const auth of unauthenticated(caller)) {
          cases += 1;
          const response = await send(route.method, path, auth, call.body);
          expectUnauthorized(response, `${routeKey(route)} as ${caller} (${auth?.Authorization?.slice(0, 12) ?? 'no header'})`);
        }
      }
    }
  });

  it('answers 404 to another member on what it does not own, and changes nothing', async () => {
    for (const route of routes) {
      const entry = ROUTES[routeKey(route)];
      if (!entry.ownerScoped) continue;
      const call = await entry.prepare(owner);
      cases += 1;
      const response = await send(route.method, fillPath(route.path, call.params), other.auth, call.body);
      const label = `${routeKey(route)} by another member`;
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBe(404);
      expect(response.body, label).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(response.body.items ?? response.body.nodes ?? response.body.fields, label).toBeUndefined();
      // The resource is still there, unchanged, for its owner.
      if (call.params.id && route.path !== '/executions/workflow/{id}') {
        const [collection] = route.path.slice(1).split('/');
        const still = await t.http.get(`/${collection}/${call.params.id}`).set(owner.auth);
        expect(still.status, `${label}: the owner lost the resource`).toBe(200);
        if (collection === 'workflows') expect(still.body.version, label).toBe(1);
        if (collection === 'webhooks') expect(still.body.active, label).toBe(true);
        if (collection === 'executions') expect(['COMPLETED', 'FAILED', 'WAITING'], label).toContain(still.body.status);
        if (collection === 'credentials') expect(still.body.name, label).not.toBe('renamed');
      }
    }
  });

  it('lets the owner and an admin do everything on the owner\'s resources; members get 403 on admin-only routes', async () => {
    for (const route of routes) {
      const entry = ROUTES[routeKey(route)];
      const callers: Array<[string, Actor]> = entry.adminOnly ? [['admin', admin]] : [['owner', owner], ['admin', admin], ...(entry.ownerScoped ? [] : ([['other', other]] as Array<[string, Actor]>))];
      for (const [name, actor] of callers) {
        const call = await entry.prepare(owner);
        cases += 1;
        const response = await send(route.method, fillPath(route.path, call.params), actor.auth, call.body);
        expect(response.status, `${routeKey(route)} as ${name}: ${JSON.stringify(response.body)}`).toBe(entry.ok);
      }
      if (entry.adminOnly) {
        for (const [name, actor] of [['owner', owner], ['other', other]] as Array<[string, Actor]>) {
          const call = await entry.prepare(actor);
          cases += 1;
          const response = await send(route.method, fillPath(route.path, call.params), actor.auth, call.body);
          expect(response.status, `${routeKey(route)} as member ${name}`).toBe(403);
          expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        }
      }
    }
  });

  it('keeps a key a member failed to revoke working, and a member cannot mint keys for itself', async () => {
    const key = await newApiKey(other.id);
    cases += 2;
    await t.http.delete(`/api-keys/${key.id}`).set(other.auth).expect(403);
    await t.http.post(`/users/${other.id}/api-keys`).set(other.auth).send({ name: 'mine' }).expect(403);
    const me = await t.http.get('/users/me').set('Authorization', `Bearer ${key.key}`).expect(200);
    expect(me.body).toMatchObject({ id: other.id, role: 'member' });
  });

  it('never lists another member\'s items; admins see everyone\'s', async () => {
    const theirs = { workflow: await newWorkflow(other), credential: await newCredential(other) };
    const theirHook = await newWebhook(other, theirs.workflow);
    await t.http.post(`/workflows/${theirs.workflow}/run`).set(other.auth).send({ body: {} }).expect(200);
    const theirExecution = (await t.http.get(`/executions/workflow/${theirs.workflow}`).set(other.auth).expect(200)).body.items[0].id as string;
    const page = async (path: string, auth: Auth) => {
      const response = await t.http.get(path).set(auth);
      // Named by its id in the path, another member's workflow is a 404 (docs/security.md), checked with the routes.
      if (auth === other.auth && path.startsWith(`/executions/workflow/${base.workflow}`)) {
        expect(response.status, path).toBe(404);
        expect(response.body.items, path).toBeUndefined();
        // Nothing listed (the message names only the id the caller sent).
        return '';
      }
      expect(response.status, path).toBe(200);
      expect(Array.isArray(response.body.items), path).toBe(true);
      return JSON.stringify(response.body);
    };
    const owners = [base.workflow, base.credential, base.webhook, base.execution, base.failed, owner.id];
    const lists: Array<{ path: (workflowId: string) => string; ownerItem: string; theirItem: string }> = [
      { path: () => '/workflows', ownerItem: base.workflow, theirItem: theirs.workflow },
      { path: () => '/workflows?search=matrix', ownerItem: base.workflow, theirItem: theirs.workflow },
      { path: () => '/credentials', ownerItem: base.credential, theirItem: theirs.credential },
      { path: () => '/credentials?type=httpBearerAuth', ownerItem: base.credential, theirItem: theirs.credential },
      { path: () => '/webhooks', ownerItem: base.webhook, theirItem: theirHook },
      { path: () => '/executions', ownerItem: base.execution, theirItem: theirExecution },
      { path: () => '/executions?include=nodes', ownerItem: base.execution, theirItem: theirExecution },
      { path: (id) => `/executions?workflowId=${id}`, ownerItem: base.execution, theirItem: theirExecution },
      { path: (id) => `/executions/workflow/${id}`, ownerItem: base.execution, theirItem: theirExecution },
      { path: (id) => `/executions/workflow/${id}?include=nodes`, ownerItem: base.execution, theirItem: theirExecution },
    ];
    for (const list of lists) {
      cases += 4;
      const asOther = await page(list.path(base.workflow), other.auth);
      for (const id of owners) expect(asOther, `${list.path(base.workflow)} shows the owner's ${id} to another member`).not.toContain(id);
      const asOwner = await page(list.path(base.workflow), owner.auth);
      expect(asOwner, `${list.path(base.workflow)} as owner`).toContain(list.ownerItem);
      expect(asOwner, `${list.path(base.workflow)} as owner`).not.toContain(list.theirItem);
      expect(await page(list.path(theirs.workflow), other.auth), `${list.path(theirs.workflow)} as its owner`).toContain(list.theirItem);
      expect(await page(list.path(theirs.workflow), t.admin), `${list.path(theirs.workflow)} as admin`).toContain(list.theirItem);
    }
    cases += 1;
    // Filtering webhooks by another member's workflow is that workflow's 404.
    await t.http.get(`/webhooks?workflowId=${base.workflow}`).set(other.auth).expect(404);
  });

  it('shows a workflow\'s owner every execution of it, an admin\'s manual run and retry included (docs/security.md "their executions")', async () => {
    const workflow = await newWorkflow(owner);
    await t.http.post(`/workflows/${workflow}/run`).set(t.admin).send({ body: { n: 3 } }).expect(200);
    const run = (await t.http.get(`/executions/workflow/${workflow}`).set(t.admin).expect(200)).body.items[0];
    expect(run.userId).toBe(admin.id);
    const retried = await t.http.post(`/executions/${base.failed}/retry`).set(t.admin).send({}).expect(201);
    cases += 5;
    expect((await t.http.get(`/executions/${run.id}`).set(owner.auth)).status).toBe(200);
    expect((await t.http.get(`/executions/${retried.body.id}`).set(owner.auth)).status).toBe(200);
    expect(JSON.stringify((await t.http.get(`/executions/workflow/${workflow}`).set(owner.auth).expect(200)).body)).toContain(run.id);
    expect(JSON.stringify((await t.http.get('/executions?limit=200').set(owner.auth).expect(200)).body)).toContain(retried.body.id);
    // ...and still nothing of it to another member.
    expect((await t.http.get(`/executions/${run.id}`).set(other.auth)).status).toBe(404);
  });

  it('rejects server-owned fields in every body (no mass assignment)', async () => {
    const workflow = await t.http.get(`/workflows/${base.workflow}`).set(owner.auth).expect(200);
    const attempts: Array<[string, string, Record<string, unknown>]> = [
      ['post', '/workflows', { ...simpleWorkflow(), ownerId: other.id }],
      ['post', '/workflows', { ...simpleWorkflow(), version: 7 }],
      ['post', '/workflows', { ...simpleWorkflow(), triggerCount: 1000 }],
      ['post', '/workflows', { ...simpleWorkflow(), id: base.workflow }],
      ['post', '/workflows', { ...simpleWorkflow(), createdAt: '2000-01-01T00:00:00Z' }],
      ['put', `/workflows/${base.workflow}`, { ...simpleWorkflow(), version: workflow.body.version, role: 'admin' }],
      ['patch', `/workflows/${base.workflow}`, { ownerId: other.id }],
      ['patch', `/workflows/${base.workflow}`, { version: 99 }],
      ['patch', `/workflows/${base.workflow}`, { name: 'x', active: false, nodes: [] }],
      ['post', '/credentials', { name: 'c', type: 'resend', data: { apiKey: 're_x' }, ownerId: other.id }],
      ['post', '/credentials', { name: 'c', type: 'resend', data: { apiKey: 're_x' }, id: base.credential }],
      ['patch', `/credentials/${base.credential}`, { ownerId: other.id }],
      ['patch', `/credentials/${base.credential}`, { type: 'resend' }],
      ['post', '/webhooks', { workflowId: base.workflow, id: base.webhook }],
      ['post', '/webhooks', { workflowId: base.workflow, lastTriggeredAt: '2000-01-01T00:00:00Z' }],
      ['patch', `/webhooks/${base.webhook}`, { workflowId: await newWorkflow(owner) }],
      ['patch', `/webhooks/${base.webhook}`, { id: base.credential }],
      ['post', `/workflows/${base.workflow}/run`, { body: {}, status: 'COMPLETED' }],
      ['post', `/workflows/${base.workflow}/run`, { body: {}, userId: other.id, mode: 'webhook' }],
      ['post', `/executions/${base.failed}/retry`, { status: 'COMPLETED' }],
      ['post', `/executions/${base.failed}/retry`, { userId: other.id }],
      ['post', `/users/${other.id}/api-keys`, { name: 'k', userId: owner.id }],
      ['post', `/users/${other.id}/api-keys`, { name: 'k', role: 'admin' }],
      ['post', '/users', { email: `x-${randomBytes(3).toString('hex')}@example.com`, name: 'x', id: owner.id }],
    ];
    for (const [method, path, body] of attempts) {
      cases += 1;
      const auth = path.startsWith('/users') ? t.admin : owner.auth;
      const response = await send(method, path, auth, body);
      expect(response.status, `${method.toUpperCase()} ${path} with ${Object.keys(body).join(',')}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(/should not exist/);
    }
    // PUT accepts what GET answered (docs/api-and-executions.md): its read-only fields are ignored, never assigned.
    cases += 1;
    const mine = await newWorkflow(owner);
    const read = (await t.http.get(`/workflows/${mine}`).set(owner.auth).expect(200)).body;
    const put = await send('put', `/workflows/${mine}`, owner.auth, { ...read, id: base.workflow, ownerId: other.id, triggerCount: 1000, createdAt: '2000-01-01T00:00:00Z' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ id: mine, ownerId: owner.id, triggerCount: read.triggerCount, createdAt: read.createdAt, version: read.version + 1 });
    // A member cannot make itself (or anyone) an admin.
    cases += 1;
    await t.http.post('/users').set(owner.auth).send({ email: `esc-${randomBytes(3).toString('hex')}@example.com`, name: 'x', role: 'admin' }).expect(403);
    expect((await t.http.get('/users/me').set(owner.auth).expect(200)).body.role).toBe('member');
    // A cancel body cannot choose the outcome: the execution ends CANCELED whatever it says.
    const waiting = await waitingExecution(owner);
    cases += 1;
    const canceled = await t.http.post(`/executions/${waiting}/cancel`).set(owner.auth).send({ status: 'COMPLETED', error: null }).expect(200);
    expect(canceled.body.status).toBe('CANCELED');
    // Nothing of the above changed the owner's workflow.
    const after = await t.http.get(`/workflows/${base.workflow}`).set(owner.auth).expect(200);
    expect(after.body).toMatchObject({ ownerId: owner.id, version: workflow.body.version, name: workflow.body.name });
  });

  it('does not let members reach each other through references: credentials and webhooks', async () => {
    cases += 3;
    const stolen = workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Call', type: 'httpRequest', parameters: { url: 'https://example.com/', authentication: 'httpBearerAuth' }, credentials: { httpBearerAuth: { id: base.credential } } },
      ],
      [['Start', 'Call']],
    );
    const asOther = await t.http.post('/workflows').set(other.auth).send(stolen);
    expect(asOther.status).toBe(400);
    expect(JSON.stringify(asOther.body)).toContain('Call');
    const otherWorkflow = await newWorkflow(other);
    const hook = await t.http.post('/webhooks').set(other.auth).send({ workflowId: otherWorkflow, authentication: { type: 'header', credentialId: base.credential } });
    expect(hook.status).toBe(400);
    expect(JSON.stringify(hook.body)).toContain('does not exist');
    // Even an admin cannot attach one user's credential to another user's workflow.
    const adminCredential = await newCredential(admin);
    const mixed = await t.http.post('/webhooks').set(t.admin).send({ workflowId: base.workflow, authentication: { type: 'header', credentialId: adminCredential } });
    expect(mixed.status).toBe(400);
  });

  it('left the owner\'s resources as they were', async () => {
    const workflow = await t.http.get(`/workflows/${base.workflow}`).set(owner.auth).expect(200);
    expect(workflow.body).toMatchObject({ ownerId: owner.id, version: 1 });
    await t.http.get(`/credentials/${base.credential}`).set(owner.auth).expect(200);
    const hook = await t.http.get(`/webhooks/${base.webhook}`).set(owner.auth).expect(200);
    expect(hook.body).toMatchObject({ workflowId: base.workflow, active: true });
    expect((await waitForExecution(t, base.execution, owner.auth)).status).toBe('COMPLETED');
  });
});
