import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialDecryptionError } from '../src/credentials/credential-crypto.js';
import { CredentialsService } from '../src/credentials/credentials.service.js';
import { newId } from '../src/common/uuid.js';
import { WorkflowEntity } from '../src/workflows/workflow.entity.js';
import { WebhookEntity } from '../src/webhooks/webhook.entity.js';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from './support/test-app.js';

const SECRET = 're_Sup3rSecretValue_do_not_leak_4711';

describe('credentials', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const create = (auth: { Authorization: string }, body: Record<string, unknown>) => t.http.post('/credentials').set(auth).send(body);
  const createResend = async (auth: { Authorization: string }, name = 'Resend', apiKey = SECRET) => {
    const response = await create(auth, { name, type: 'resend', data: { apiKey } }).expect(201);
    return response.body as { id: string; ownerId: string };
  };
  const storedData = async (id: string): Promise<string> => (await db.query('SELECT "data" FROM "credentials" WHERE "id" = $1', [id]))[0].data;
  const insertWorkflow = async (ownerId: string, nodes: unknown[]) => {
    const id = newId();
    await db.getRepository(WorkflowEntity).insert({ id, ownerId, name: `wf ${id}`, nodes: nodes as WorkflowEntity['nodes'], connections: {}, settings: {}, version: 1 });
    return id;
  };

  it('lists the credential types and their fields, not swallowed by /credentials/:id', async () => {
    const response = await t.http.get('/credentials/types').set(t.admin).expect(200);
    const byType = Object.fromEntries((response.body as { type: string; fields: string[] }[]).map((entry) => [entry.type, entry.fields]));
    expect(byType).toEqual({
      resend: ['apiKey'],
      telegram: ['botToken'],
      httpHeaderAuth: ['name', 'value'],
      httpBasicAuth: ['username', 'password'],
      httpBearerAuth: ['token'],
      webhookSecret: ['secret'],
    });
  });

  it('creates a credential and answers metadata only, never the secret', async () => {
    const response = await create(t.admin, { name: 'Resend prod', type: 'resend', data: { apiKey: SECRET } }).expect(201);
    expect(Object.keys(response.body).sort()).toEqual(['createdAt', 'fields', 'id', 'name', 'ownerId', 'type', 'updatedAt']);
    expect(response.body).toMatchObject({ name: 'Resend prod', type: 'resend', fields: ['apiKey'] });
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
    const me = await t.http.get('/users/me').set(t.admin).expect(200);
    expect(response.body.ownerId).toBe(me.body.id);
  });

  it('rejects an unknown type, unknown fields, missing fields, empty values and an ownerId in the body', async () => {
    const unknownType = await create(t.admin, { name: 'x', type: 'slack', data: { token: 'a' } }).expect(400);
    expect(JSON.stringify(unknownType.body.message)).toContain('type must be one of');
    const unknownField = await create(t.admin, { name: 'x', type: 'resend', data: { apiKey: 'a', region: 'eu' } }).expect(400);
    expect(JSON.stringify(unknownField.body.message)).toContain('unknown fields for type resend: region');
    const missing = await create(t.admin, { name: 'x', type: 'httpBasicAuth', data: { username: 'u' } }).expect(400);
    expect(JSON.stringify(missing.body.message)).toContain('missing required fields for type httpBasicAuth: password');
    const empty = await create(t.admin, { name: 'x', type: 'telegram', data: { botToken: '' } }).expect(400);
    expect(JSON.stringify(empty.body.message)).toContain('data.botToken must be a non-empty string');
    const notString = await create(t.admin, { name: 'x', type: 'telegram', data: { botToken: 42 } }).expect(400);
    expect(JSON.stringify(notString.body.message)).toContain('data.botToken must be a non-empty string');
    await create(t.admin, { name: 'x', type: 'telegram', data: ['a'] }).expect(400);
    await create(t.admin, { name: 'x', type: 'telegram', data: { botToken: 'a' }, ownerId: newId() }).expect(400);
    // Messages name fields, never values.
    const leaky = await create(t.admin, { name: 'x', type: 'resend', data: { apiKey: 'a', other: SECRET } }).expect(400);
    expect(JSON.stringify(leaky.body)).not.toContain(SECRET);
  });

  it('stores only ciphertext, in the v1:<keyId>:<base64> format, and never the plaintext', async () => {
    const { id } = await createResend(t.admin);
    const rows: Record<string, unknown>[] = await db.query('SELECT * FROM "credentials"');
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    const data = await storedData(id);
    const match = /^v1:([0-9a-f]{8}):([A-Za-z0-9+/]+={0,2})$/.exec(data);
    expect(match).not.toBeNull();
    const bytes = Buffer.from(match![2], 'base64');
    // 12-byte nonce + ciphertext of {"apiKey":"…"} + 16-byte tag
    expect(bytes.length).toBe(12 + JSON.stringify({ apiKey: SECRET }).length + 16);
    expect(t.app.get(CredentialsService).decrypt({ id, data })).toEqual({ apiKey: SECRET });
    // Two encryptions of the same secret differ (random nonce).
    const other = await createResend(t.admin);
    expect((await storedData(other.id)).split(':')[2]).not.toBe(match![2]);
  });

  it('gives the engine the secret through getCredentials + decrypt, and lists by type', async () => {
    const service = t.app.get(CredentialsService);
    const member = await t.createMember();
    const { id } = await createResend(member.auth, 'for the engine', 're_engine_key');
    const entity = await service.getCredentials(id, member.id);
    expect(service.decrypt(entity)).toEqual({ apiKey: 're_engine_key' });
    expect((await service.getCredentialsByType('resend', member.id)).map((c) => c.id)).toEqual([id]);
    await expect(service.getCredentials(id, newId())).rejects.toThrow(/not found/);
    const found = await service.findForValidation([id, 'not-a-uuid', newId(), id]);
    expect(found).toEqual([{ id, type: 'resend', ownerId: member.id }]);
  });

  it('refuses to decrypt a tampered value, naming the credential and not the secret', async () => {
    const { id } = await createResend(t.admin);
    const [prefix, keyId, payload] = (await storedData(id)).split(':');
    const bytes = Buffer.from(payload, 'base64');
    bytes[20] ^= 0x01;
    await db.query('UPDATE "credentials" SET "data" = $2 WHERE "id" = $1', [id, `${prefix}:${keyId}:${bytes.toString('base64')}`]);
    const service = t.app.get(CredentialsService);
    const entity = await service.getCredentials(id);
    let caught: unknown;
    try {
      service.decrypt(entity);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CredentialDecryptionError);
    expect((caught as Error).message).toContain(id);
    expect((caught as Error).message).not.toContain(SECRET);
    // The ciphertext is bound to its row: copied onto another credential it does not open either.
    const donor = await createResend(t.admin);
    const target = await createResend(t.admin, 'target', 'other-secret');
    await db.query('UPDATE "credentials" SET "data" = $2 WHERE "id" = $1', [target.id, await storedData(donor.id)]);
    const moved = await service.getCredentials(target.id);
    expect(() => service.decrypt(moved)).toThrow(`Credential ${target.id} could not be decrypted`);
  });

  it('still decrypts after the key moves to ENCRYPTION_KEYS_OLD, and encrypts new data with the new key', async () => {
    const { id } = await createResend(t.admin, 'rotated', 'rotate-me');
    const oldData = await storedData(id);
    const rotated = await startTestApp({ ENCRYPTION_KEY: 'ab'.repeat(32), ENCRYPTION_KEYS_OLD: TEST_ENCRYPTION_KEY });
    try {
      const service = rotated.app.get(CredentialsService);
      expect(service.decrypt(await service.getCredentials(id))).toEqual({ apiKey: 'rotate-me' });
      await rotated.http.patch(`/credentials/${id}`).set(rotated.admin).send({ data: { apiKey: 'rotate-me-2' } }).expect(200);
      const newData = await storedData(id);
      expect(newData.split(':')[1]).not.toBe(oldData.split(':')[1]);
      expect(service.decrypt(await service.getCredentials(id))).toEqual({ apiKey: 'rotate-me-2' });
    } finally {
      await rotated.close();
    }
    const withoutOld = await startTestApp({ ENCRYPTION_KEY: 'cd'.repeat(32) });
    try {
      const service = withoutOld.app.get(CredentialsService);
      const entity = await service.getCredentials(id);
      expect(() => service.decrypt(entity)).toThrow(new RegExp(`Credential ${id} could not be decrypted: it was encrypted with key [0-9a-f]{8}`));
    } finally {
      await withoutOld.close();
    }
  });

  it('gets, renames, replaces data and deletes', async () => {
    const { id } = await createResend(t.admin, 'before');
    const got = await t.http.get(`/credentials/${id}`).set(t.admin).expect(200);
    expect(got.body).toMatchObject({ id, name: 'before', type: 'resend', fields: ['apiKey'] });
    expect(JSON.stringify(got.body)).not.toContain(SECRET);
    const renamed = await t.http.patch(`/credentials/${id}`).set(t.admin).send({ name: 'after' }).expect(200);
    expect(renamed.body.name).toBe('after');
    const service = t.app.get(CredentialsService);
    expect(service.decrypt(await service.getCredentials(id))).toEqual({ apiKey: SECRET });
    const replaced = await t.http.patch(`/credentials/${id}`).set(t.admin).send({ data: { apiKey: 'new-value' } }).expect(200);
    expect(JSON.stringify(replaced.body)).not.toContain('new-value');
    expect(new Date(replaced.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(got.body.updatedAt).getTime());
    expect(service.decrypt(await service.getCredentials(id))).toEqual({ apiKey: 'new-value' });
    await t.http.patch(`/credentials/${id}`).set(t.admin).send({ data: { token: 'x' } }).expect(400);
    await t.http.patch(`/credentials/${id}`).set(t.admin).send({ type: 'telegram' }).expect(400);
    await t.http.patch(`/credentials/${id}`).set(t.admin).send({ name: null }).expect(400);
    await t.http.patch(`/credentials/${id}`).set(t.admin).send({}).expect(400);
    await t.http.delete(`/credentials/${id}`).set(t.admin).expect(204);
    await t.http.get(`/credentials/${id}`).set(t.admin).expect(404);
    await t.http.delete(`/credentials/${id}`).set(t.admin).expect(404);
    await t.http.get('/credentials/not-a-uuid').set(t.admin).expect(400);
  });

  it('refuses to delete a credential a workflow node or a webhook uses (409)', async () => {
    const member = await t.createMember();
    const { id } = await createResend(member.auth);
    const workflowId = await insertWorkflow(member.id, [
      { id: 'a1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'a2', name: 'Email', type: 'sendEmail', parameters: {}, credentials: { resend: { id } } },
    ]);
    const refused = await t.http.delete(`/credentials/${id}`).set(member.auth).expect(409);
    expect(refused.body.message).toContain(workflowId);
    await db.getRepository(WorkflowEntity).delete({ id: workflowId });
    await t.http.delete(`/credentials/${id}`).set(member.auth).expect(204);

    const secret = await create(member.auth, { name: 'hmac', type: 'webhookSecret', data: { secret: 's3cret' } }).expect(201);
    const hooked = await insertWorkflow(member.id, []);
    const webhookId = newId();
    await db.getRepository(WebhookEntity).insert({ id: webhookId, workflowId: hooked, method: 'POST', authentication: { type: 'hmac', credentialId: secret.body.id, preset: 'github' } });
    const byWebhook = await t.http.delete(`/credentials/${secret.body.id}`).set(member.auth).expect(409);
    expect(byWebhook.body.message).toContain(webhookId);
  });

  it('keeps members to their own credentials; admins see all', async () => {
    const alice = await t.createMember('alice');
    const bob = await t.createMember('bob');
    const { id } = await createResend(alice.auth, 'alice key');
    await t.http.get(`/credentials/${id}`).set(bob.auth).expect(404);
    await t.http.patch(`/credentials/${id}`).set(bob.auth).send({ name: 'mine now' }).expect(404);
    await t.http.delete(`/credentials/${id}`).set(bob.auth).expect(404);
    const bobList = await t.http.get('/credentials').set(bob.auth).expect(200);
    expect(bobList.body).toEqual({ items: [], nextCursor: null });
    const aliceList = await t.http.get('/credentials').set(alice.auth).expect(200);
    expect(aliceList.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const adminGot = await t.http.get(`/credentials/${id}`).set(t.admin).expect(200);
    expect(adminGot.body.ownerId).toBe(alice.id);
    const adminList = await t.http.get('/credentials?limit=200').set(t.admin).expect(200);
    expect(adminList.body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect((await t.http.get(`/credentials/${id}`).set(alice.auth).expect(200)).body.name).toBe('alice key');
  });

  it('paginates newest first with limit and cursor, and filters by type', async () => {
    const member = await t.createMember();
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await createResend(member.auth, name)).id);
    const telegram = await create(member.auth, { name: 'bot', type: 'telegram', data: { botToken: '123:abc' } }).expect(201);
    const first = await t.http.get('/credentials?limit=2').set(member.auth).expect(200);
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual([telegram.body.id, ids[2]]);
    expect(first.body.nextCursor).toBe(ids[2]);
    const second = await t.http.get(`/credentials?limit=2&cursor=${first.body.nextCursor}`).set(member.auth).expect(200);
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual([ids[1], ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const resendOnly = await t.http.get('/credentials?type=resend').set(member.auth).expect(200);
    expect(resendOnly.body.items.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
    await t.http.get('/credentials?type=slack').set(member.auth).expect(400);
    await t.http.get('/credentials?limit=0').set(member.auth).expect(400);
    await t.http.get('/credentials?cursor=nope').set(member.auth).expect(400);
  });

  it('needs an API key', async () => {
    await t.http.get('/credentials').expect(401);
    await t.http.get('/credentials/types').expect(401);
  });
});
