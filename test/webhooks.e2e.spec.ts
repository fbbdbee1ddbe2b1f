import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/common/uuid.js';
import { WorkflowEntity } from '../src/workflows/workflow.entity.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Auth = { Authorization: string };

describe('webhooks', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: { id: string; auth: Auth };
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    admin = { id: (await t.http.get('/users/me').set(t.admin).expect(200)).body.id, auth: t.admin };
  });
  afterAll(() => t.close());

  /** The workflows API is built elsewhere; a row is all a webhook needs. */
  const createWorkflow = async (ownerId: string, active = false): Promise<string> => {
    const id = newId();
    await db.getRepository(WorkflowEntity).insert({ id, ownerId, name: `wf ${id}`, active, nodes: [], connections: {}, settings: {}, version: 1 });
    return id;
  };
  const createCredential = async (auth: Auth, type: string, data: Record<string, string>): Promise<string> =>
    (await t.http.post('/credentials').set(auth).send({ name: type, type, data }).expect(201)).body.id;
  const createWebhook = (auth: Auth, body: Record<string, unknown>) => t.http.post('/webhooks').set(auth).send(body);
  const messages = (body: { message: string | string[] }) => JSON.stringify(body.message);

  it('creates a webhook with defaults and its public url', async () => {
    const workflowId = await createWorkflow(admin.id);
    const response = await createWebhook(t.admin, { workflowId, method: 'post' }).expect(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      url: `http://wfe.test/webhook/handler/${response.body.id}`,
      workflowId,
      method: 'POST',
      responseMode: 'onReceived',
      responseTimeoutMs: 30000,
      authentication: { type: 'none' },
      idempotencyHeader: 'Idempotency-Key',
      rateLimit: null,
      active: true,
      createdAt: expect.any(String),
      lastTriggeredAt: null,
    });
    const got = await t.http.get(`/webhooks/${response.body.id}`).set(t.admin).expect(200);
    expect(got.body).toEqual(response.body);
  });

  it('stores every setting, including hmac authentication with a webhookSecret', async () => {
    const workflowId = await createWorkflow(admin.id);
    const secret = await createCredential(t.admin, 'webhookSecret', { secret: 'whsec' });
    const response = await createWebhook(t.admin, {
      workflowId,
      method: 'put',
      responseMode: 'lastNode',
      responseTimeoutMs: 5000,
      authentication: { type: 'hmac', credentialId: secret, preset: 'stripe' },
      idempotencyHeader: 'X-GitHub-Delivery',
      rateLimit: { limit: 10, windowSeconds: 60 },
    }).expect(201);
    expect(response.body).toMatchObject({
      method: 'PUT',
      responseMode: 'lastNode',
      responseTimeoutMs: 5000,
      authentication: { type: 'hmac', credentialId: secret, preset: 'stripe', toleranceSeconds: 300 },
      idempotencyHeader: 'X-GitHub-Delivery',
      rateLimit: { limit: 10, windowSeconds: 60 },
    });
    const generic = await createWebhook(t.admin, {
      workflowId,
      authentication: { type: 'hmac', credentialId: secret, preset: 'generic', headerName: 'X-Signature', algorithm: 'sha512', encoding: 'base64' },
    }).expect(201);
    expect(generic.body.authentication).toEqual({ type: 'hmac', credentialId: secret, preset: 'generic', headerName: 'X-Signature', algorithm: 'sha512', encoding: 'base64' });
    const header = await createCredential(t.admin, 'httpHeaderAuth', { name: 'X-Token', value: 'v' });
    await createWebhook(t.admin, { workflowId, authentication: { type: 'header', credentialId: header } }).expect(201);
    const basic = await createCredential(t.admin, 'httpBasicAuth', { username: 'u', password: 'p' });
    await createWebhook(t.admin, { workflowId, authentication: { type: 'basic', credentialId: basic } }).expect(201);
  });

  it('rejects invalid settings with messages naming the field', async () => {
    const workflowId = await createWorkflow(admin.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ workflowId, method: 'FETCH' }, 'method must be one of'],
      [{ workflowId, method: null }, 'method must be one of'],
      [{ workflowId, responseMode: 'whenever' }, 'responseMode must be one of'],
      [{ workflowId, responseTimeoutMs: 999 }, 'responseTimeoutMs must not be less than 1000'],
      [{ workflowId, responseTimeoutMs: 300001 }, 'responseTimeoutMs must not be greater than 300000'],
      [{ workflowId, idempotencyHeader: 'Bad Header' }, 'idempotencyHeader must be a valid HTTP header name'],
      [{ workflowId, rateLimit: { limit: 0, windowSeconds: 60 } }, 'rateLimit.limit must not be less than 1'],
      [{ workflowId, rateLimit: { limit: 5, windowSeconds: 86401 } }, 'rateLimit.windowSeconds must not be greater than 86400'],
      [{ workflowId, authentication: { type: 'oauth' } }, 'authentication.type must be one of'],
      [{ workflowId, authentication: { type: 'header' } }, 'authentication.credentialId is required for type header'],
      [{ workflowId, authentication: { type: 'hmac', credentialId: newId() } }, 'authentication.preset is required for type hmac'],
      [{ workflowId, authentication: { type: 'hmac', credentialId: newId(), preset: 'generic' } }, 'authentication.headerName is required for type hmac with preset generic'],
      [{ workflowId, authentication: { type: 'hmac', credentialId: newId(), preset: 'generic', headerName: 'X-Sig', algorithm: 'md5', encoding: 'hex' } }, 'authentication.algorithm must be one of'],
      [{ workflowId, authentication: { type: 'hmac', credentialId: newId(), preset: 'github', algorithm: 'sha1' } }, 'authentication.algorithm does not apply to type hmac with preset github'],
      [{ workflowId, authentication: { type: 'hmac', credentialId: newId(), preset: 'stripe', toleranceSeconds: 0 } }, 'authentication.toleranceSeconds must not be less than 1'],
      [{ workflowId, authentication: { type: 'none', credentialId: newId() } }, 'authentication.credentialId does not apply to type none'],
      [{ workflowId, authentication: { type: 'basic', credentialId: newId(), extra: 1 } }, 'authentication.property extra should not exist'],
      [{ workflowId, authentication: { type: 'basic', credentialId: newId() } }, 'does not exist'],
      [{ workflowId: 'nope' }, 'workflowId must be a UUID'],
      [{ workflowId, workflowOwner: 'me' }, 'property workflowOwner should not exist'],
    ];
    for (const [body, expected] of cases) {
      const response = await createWebhook(t.admin, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(messages(response.body), JSON.stringify(body)).toContain(expected);
    }
  });

  it('checks the credential type for the authentication type, and its owner', async () => {
    const member = await t.createMember();
    const workflowId = await createWorkflow(member.id);
    const resend = await createCredential(member.auth, 'resend', { apiKey: 'k' });
    const wrongType = await createWebhook(member.auth, { workflowId, authentication: { type: 'header', credentialId: resend } }).expect(400);
    expect(messages(wrongType.body)).toContain(`credential ${resend} is of type resend, but authentication type header needs a httpHeaderAuth credential`);
    const basic = await createCredential(member.auth, 'httpBasicAuth', { username: 'u', password: 'p' });
    await createWebhook(member.auth, { workflowId, authentication: { type: 'hmac', credentialId: basic, preset: 'github' } }).expect(400);

    // Another user's credential: a member is not told it exists; an admin is told whose it is.
    const other = await t.createMember();
    const othersSecret = await createCredential(other.auth, 'webhookSecret', { secret: 's' });
    const asMember = await createWebhook(member.auth, { workflowId, authentication: { type: 'hmac', credentialId: othersSecret, preset: 'github' } }).expect(400);
    expect(messages(asMember.body)).toContain(`authentication.credentialId: credential ${othersSecret} does not exist`);
    const asAdmin = await createWebhook(t.admin, { workflowId, authentication: { type: 'hmac', credentialId: othersSecret, preset: 'github' } }).expect(400);
    expect(messages(asAdmin.body)).toContain("belongs to another user than the workflow's owner");
    const adminSecret = await createCredential(t.admin, 'webhookSecret', { secret: 's' });
    await createWebhook(t.admin, { workflowId, authentication: { type: 'hmac', credentialId: adminSecret, preset: 'github' } }).expect(400);
    const own = await createCredential(member.auth, 'webhookSecret', { secret: 's' });
    await createWebhook(t.admin, { workflowId, authentication: { type: 'hmac', credentialId: own, preset: 'github' } }).expect(201);
  });

  it('patches any field but workflowId, re-checking authentication', async () => {
    const member = await t.createMember();
    const workflowId = await createWorkflow(member.id);
    const created = await createWebhook(member.auth, { workflowId }).expect(201);
    const id = created.body.id;
    const header = await createCredential(member.auth, 'httpHeaderAuth', { name: 'X-Key', value: 'v' });
    const patched = await t.http
      .patch(`/webhooks/${id}`)
      .set(member.auth)
      .send({ method: 'get', responseMode: 'responseNode', responseTimeoutMs: 1000, authentication: { type: 'header', credentialId: header }, idempotencyHeader: 'webhook-id', rateLimit: { limit: 1, windowSeconds: 1 }, active: false })
      .expect(200);
    expect(patched.body).toMatchObject({
      id,
      workflowId,
      method: 'GET',
      responseMode: 'responseNode',
      responseTimeoutMs: 1000,
      authentication: { type: 'header', credentialId: header },
      idempotencyHeader: 'webhook-id',
      rateLimit: { limit: 1, windowSeconds: 1 },
      active: false,
      url: `http://wfe.test/webhook/handler/${id}`,
    });
    const cleared = await t.http.patch(`/webhooks/${id}`).set(member.auth).send({ rateLimit: null, active: true }).expect(200);
    expect(cleared.body).toMatchObject({ rateLimit: null, active: true, method: 'GET' });
    await t.http.patch(`/webhooks/${id}`).set(member.auth).send({ workflowId: await createWorkflow(member.id) }).expect(400);
    await t.http.patch(`/webhooks/${id}`).set(member.auth).send({ method: 'TRACE' }).expect(400);
    await t.http.patch(`/webhooks/${id}`).set(member.auth).send({ active: null }).expect(400);
    await t.http.patch(`/webhooks/${id}`).set(member.auth).send({ authentication: { type: 'basic', credentialId: header } }).expect(400);
    await t.http.patch(`/webhooks/${id}`).set(member.auth).send({}).expect(400);
  });

  it('keeps members to the webhooks of their own workflows; admins see all', async () => {
    const alice = await t.createMember('alice');
    const bob = await t.createMember('bob');
    const aliceWorkflow = await createWorkflow(alice.id);
    const hook = (await createWebhook(alice.auth, { workflowId: aliceWorkflow }).expect(201)).body;
    await createWebhook(bob.auth, { workflowId: aliceWorkflow }).expect(404);
    await t.http.get(`/webhooks/${hook.id}`).set(bob.auth).expect(404);
    await t.http.patch(`/webhooks/${hook.id}`).set(bob.auth).send({ active: false }).expect(404);
    await t.http.delete(`/webhooks/${hook.id}`).set(bob.auth).expect(404);
    expect((await t.http.get('/webhooks').set(bob.auth).expect(200)).body).toEqual({ items: [], nextCursor: null });
    await t.http.get(`/webhooks?workflowId=${aliceWorkflow}`).set(bob.auth).expect(404);
    expect((await t.http.get('/webhooks').set(alice.auth).expect(200)).body.items.map((w: { id: string }) => w.id)).toEqual([hook.id]);
    expect((await t.http.get(`/webhooks/${hook.id}`).set(t.admin).expect(200)).body.active).toBe(true);
    const adminList = await t.http.get(`/webhooks?workflowId=${aliceWorkflow}`).set(t.admin).expect(200);
    expect(adminList.body.items.map((w: { id: string }) => w.id)).toEqual([hook.id]);
    // An admin may add a webhook to a member's workflow.
    await createWebhook(t.admin, { workflowId: aliceWorkflow }).expect(201);
    await createWebhook(t.admin, { workflowId: newId() }).expect(404);
  });

  it('lists by workflow, newest first, with limit and cursor', async () => {
    const member = await t.createMember();
    const workflowId = await createWorkflow(member.id);
    const otherWorkflow = await createWorkflow(member.id);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createWebhook(member.auth, { workflowId }).expect(201)).body.id);
    await createWebhook(member.auth, { workflowId: otherWorkflow }).expect(201);
    const first = await t.http.get(`/webhooks?workflowId=${workflowId}&limit=2`).set(member.auth).expect(200);
    expect(first.body.items.map((w: { id: string }) => w.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0].url).toBe(`http://wfe.test/webhook/handler/${ids[2]}`);
    const second = await t.http.get(`/webhooks?workflowId=${workflowId}&limit=2&cursor=${first.body.nextCursor}`).set(member.auth).expect(200);
    expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    expect((await t.http.get('/webhooks').set(member.auth).expect(200)).body.items).toHaveLength(4);
  });

  it('deletes a webhook, and deleting its workflow takes its webhooks along', async () => {
    const member = await t.createMember();
    const workflowId = await createWorkflow(member.id);
    const first = (await createWebhook(member.auth, { workflowId }).expect(201)).body.id;
    const second = (await createWebhook(member.auth, { workflowId }).expect(201)).body.id;
    await t.http.delete(`/webhooks/${first}`).set(member.auth).expect(204);
    await t.http.get(`/webhooks/${first}`).set(member.auth).expect(404);
    await t.http.delete(`/webhooks/${first}`).set(member.auth).expect(404);
    await db.getRepository(WorkflowEntity).delete({ id: workflowId });
    await t.http.get(`/webhooks/${second}`).set(member.auth).expect(404);
    const rows = await db.query('SELECT "id" FROM "webhooks" WHERE "workflowId" = $1', [workflowId]);
    expect(rows).toEqual([]);
  });

  it('needs an API key', async () => {
    await t.http.get('/webhooks').expect(401);
  });

  it('documents the webhook and credential routes in the OpenAPI document', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/webhooks', '/webhooks/{id}', '/credentials', '/credentials/types', '/credentials/{id}']));
    expect(doc.components.schemas.CreateWebhookDto.properties.authentication).toBeDefined();
    expect(doc.components.schemas.WebhookAuthenticationDto.properties.preset.enum).toEqual(['standardWebhooks', 'github', 'stripe', 'generic']);
    expect(doc.components.schemas.CredentialDto.properties.data).toBeUndefined();
  });
});
