import { createHmac, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * docs/webhooks.md through HTTP. Every signature here is computed independently with node:crypto, over
 * the exact bytes sent; bodies carry odd spacing and non-ASCII so that a re-serialised body fails.
 */

type Headers = Record<string, string>;

const BODY = '{"event":"paid",  "amount": 42, "name":"Zoë"}';
const TAMPERED = '{"event":"paid",  "amount": 43, "name":"Zoë"}';
const now = () => Math.floor(Date.now() / 1000);

const sign = (algorithm: string, key: Buffer | string, payload: string) => createHmac(algorithm, key).update(Buffer.from(payload, 'utf8'));
const hex = (algorithm: string, key: Buffer | string, payload: string) => sign(algorithm, key, payload).digest('hex');
const b64 = (algorithm: string, key: Buffer | string, payload: string) => sign(algorithm, key, payload).digest('base64');

describe('webhook authentication (docs/webhooks.md)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function credential(type: string, data: Record<string, string>): Promise<string> {
    const response = await t.http.post('/credentials').set(t.admin).send({ name: `${type}-cred`, type, data });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }

  async function hookWith(authentication: Record<string, unknown>): Promise<string> {
    const workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Out', type: 'noOp' }], [['Hook', 'Out']]));
    return (await createWebhook(t, workflow.id, { authentication })).id;
  }

  const send = (hookId: string, headers: Headers, body = BODY) =>
    t.http.post(`/webhook/handler/${hookId}`).set('Content-Type', 'application/json').set(headers).send(body);

  const storedFor = async (hookId: string): Promise<number> =>
    (await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM workflow_executions WHERE "webhookId" = $1', [hookId]))[0].n;

  /** 202 and the execution is really there, for this webhook, with the body as sent. */
  async function expectAccepted(hookId: string, headers: Headers, body = BODY): Promise<Record<string, any>> {
    const response = await send(hookId, headers, body);
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const execution = await waitForExecution(t, response.body.executionId);
    expect(execution.webhookId).toBe(hookId);
    expect(execution.triggerData.body).toEqual(JSON.parse(body));
    return execution;
  }

  async function expectRejected(hookId: string, headers: Headers, body = BODY, secrets: string[] = []): Promise<void> {
    const response = await send(hookId, headers, body);
    expect(response.status, JSON.stringify(response.body)).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
    for (const secret of secrets) expect(JSON.stringify(response.body)).not.toContain(secret);
  }

  const without = (headers: Headers, name: string): Headers => Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

  describe('hmac, standardWebhooks preset', () => {
    const secretKey = randomBytes(24);
    const secret = `whsec_${secretKey.toString('base64')}`;
    const signed = (id: string, timestamp: number, body = BODY, key: Buffer | string = secretKey) => ({
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${b64('sha256', key, `${id}.${timestamp}.${body}`)}`,
    });

    it('accepts a valid signature (whsec_ secrets are base64 after the prefix) and redacts it from trigger data', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'standardWebhooks', credentialId: await credential('webhookSecret', { secret }) });
      const headers = signed('msg_1', now());
      const execution = await expectAccepted(hook, headers);
      expect(execution.triggerData.headers['webhook-signature']).toBe('[redacted]');
      expect(execution.triggerData.headers['webhook-id']).toBe('msg_1');
      expect(JSON.stringify(execution)).not.toContain(headers['webhook-signature'].slice(3));
      expect(await storedFor(hook)).toBe(1);
    });

    it('uses a secret without the whsec_ prefix as its raw bytes', async () => {
      const rawSecret = 'plain-shared-secret-ünïcode';
      const hook = await hookWith({ type: 'hmac', preset: 'standardWebhooks', credentialId: await credential('webhookSecret', { secret: rawSecret }) });
      await expectAccepted(hook, signed('msg_raw', now(), BODY, rawSecret));
      await expectRejected(hook, signed('msg_raw', now(), BODY, Buffer.from(rawSecret, 'base64')));
      expect(await storedFor(hook)).toBe(1);
    });

    it('rejects tampered bodies, wrong secrets, missing headers and signatures over another id or timestamp', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'standardWebhooks', credentialId: await credential('webhookSecret', { secret }) });
      const ts = now();
      const good = signed('msg_2', ts);
      await expectRejected(hook, good, TAMPERED, [secret]);
      await expectRejected(hook, signed('msg_2', ts, BODY, randomBytes(24)));
      await expectRejected(hook, signed('msg_2', ts, BODY, secret)); // the prefixed string itself is not the key
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) await expectRejected(hook, without(good, name));
      await expectRejected(hook, {});
      await expectRejected(hook, { ...good, 'webhook-id': 'msg_other' });
      await expectRejected(hook, { ...good, 'webhook-timestamp': String(ts + 1) });
      await expectRejected(hook, { ...good, 'webhook-signature': good['webhook-signature'].replace('v1,', 'v2,') });
      await expectRejected(hook, { ...good, 'webhook-signature': 'v1,not base64!' });
      expect(await storedFor(hook)).toBe(0);
      await expectAccepted(hook, good);
      expect(await storedFor(hook)).toBe(1);
    });

    it('rejects stale and future timestamps beyond toleranceSeconds, both directions', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'standardWebhooks', credentialId: await credential('webhookSecret', { secret }), toleranceSeconds: 60 });
      await expectRejected(hook, signed('msg_old', now() - 120));
      await expectRejected(hook, signed('msg_future', now() + 120));
      await expectRejected(hook, signed('msg_ms', Date.now()));
      expect(await storedFor(hook)).toBe(0);
      await expectAccepted(hook, signed('msg_recent', now() - 30));
      await expectAccepted(hook, signed('msg_ahead', now() + 30));
      expect(await storedFor(hook)).toBe(2);
    });

    it('accepts a list of signatures when any one is valid (secret rotation)', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'standardWebhooks', credentialId: await credential('webhookSecret', { secret }) });
      const ts = now();
      const valid = signed('msg_rot', ts)['webhook-signature'];
      const oldKey = signed('msg_rot', ts, BODY, randomBytes(24))['webhook-signature'];
      const base = { 'webhook-id': 'msg_rot', 'webhook-timestamp': String(ts) };
      await expectAccepted(hook, { ...base, 'webhook-signature': `${oldKey} v1a,c29tZXRoaW5n ${valid}` });
      await expectRejected(hook, { ...base, 'webhook-signature': `${oldKey} v1,${randomBytes(32).toString('base64')}` });
      expect(await storedFor(hook)).toBe(1);
    });
  });

  describe('hmac, github preset', () => {
    const secret = 'gh-secret-' + randomBytes(8).toString('hex');
    const signed = (body = BODY, key = secret) => ({ 'X-Hub-Signature-256': `sha256=${hex('sha256', key, body)}` });

    it('accepts sha256=<hex> over the raw body and rejects everything else', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'github', credentialId: await credential('webhookSecret', { secret }) });
      await expectRejected(hook, signed(BODY), TAMPERED, [secret]);
      await expectRejected(hook, signed(BODY, 'wrong-secret'));
      await expectRejected(hook, {});
      await expectRejected(hook, { 'X-Hub-Signature-256': hex('sha256', secret, BODY) }); // prefix missing
      await expectRejected(hook, { 'X-Hub-Signature': `sha1=${hex('sha1', secret, BODY)}` }); // the legacy header is not enough
      await expectRejected(hook, { 'X-Hub-Signature-256': `sha256=${hex('sha256', secret, BODY).slice(0, 63)}` });
      expect(await storedFor(hook)).toBe(0);
      const execution = await expectAccepted(hook, { ...signed(), 'X-GitHub-Event': 'push' });
      expect(execution.triggerData.headers['x-hub-signature-256']).toBe('[redacted]');
      expect(execution.triggerData.headers['x-github-event']).toBe('push');
      expect(await storedFor(hook)).toBe(1);
    });
  });

  describe('hmac, stripe preset', () => {
    // Stripe's secrets look like whsec_…, and Stripe keys the HMAC with the whole string.
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const v1 = (t: number, body = BODY, key = secret) => hex('sha256', key, `${t}.${body}`);

    it('accepts t=…,v1=… over `t.body` and rejects tampering, wrong secrets and missing parts', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'stripe', credentialId: await credential('webhookSecret', { secret }) });
      const ts = now();
      await expectRejected(hook, { 'Stripe-Signature': `t=${ts},v1=${v1(ts)}` }, TAMPERED, [secret]);
      await expectRejected(hook, { 'Stripe-Signature': `t=${ts},v1=${v1(ts, BODY, 'whsec_wrong')}` });
      await expectRejected(hook, {});
      await expectRejected(hook, { 'Stripe-Signature': `v1=${v1(ts)}` });
      await expectRejected(hook, { 'Stripe-Signature': `t=${ts}` });
      await expectRejected(hook, { 'Stripe-Signature': `t=${ts + 1},v1=${v1(ts)}` });
      await expectRejected(hook, { 'Stripe-Signature': `t=${ts},v0=${v1(ts)}` });
      expect(await storedFor(hook)).toBe(0);
      const execution = await expectAccepted(hook, { 'Stripe-Signature': `t=${ts},v1=${v1(ts)}` });
      expect(execution.triggerData.headers['stripe-signature']).toBe('[redacted]');
      expect(await storedFor(hook)).toBe(1);
    });

    it('rejects timestamps beyond the default tolerance of 300 s, in both directions', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'stripe', credentialId: await credential('webhookSecret', { secret }) });
      const stale = now() - 400;
      const future = now() + 400;
      await expectRejected(hook, { 'Stripe-Signature': `t=${stale},v1=${v1(stale)}` });
      await expectRejected(hook, { 'Stripe-Signature': `t=${future},v1=${v1(future)}` });
      expect(await storedFor(hook)).toBe(0);
      const recent = now() - 200;
      await expectAccepted(hook, { 'Stripe-Signature': `t=${recent},v1=${v1(recent)}` });
      expect(await storedFor(hook)).toBe(1);
    });

    it('accepts several v1 signatures when any one matches (secret roll)', async () => {
      const hook = await hookWith({ type: 'hmac', preset: 'stripe', credentialId: await credential('webhookSecret', { secret }) });
      const ts = now();
      const old = v1(ts, BODY, 'whsec_previous');
      await expectAccepted(hook, { 'Stripe-Signature': `t=${ts},v1=${old},v1=${v1(ts)},v0=${old}` });
      await expectRejected(hook, { 'Stripe-Signature': `t=${ts},v1=${old},v1=${v1(ts, BODY, 'whsec_other')}` });
      expect(await storedFor(hook)).toBe(1);
    });
  });

  describe('hmac, generic preset', () => {
    const secret = 'generic-' + randomBytes(8).toString('hex');

    it('checks the configured header, algorithm and encoding, with or without an <algorithm>= prefix', async () => {
      const hook = await hookWith({
        type: 'hmac',
        preset: 'generic',
        credentialId: await credential('webhookSecret', { secret }),
        headerName: 'X-Acme-Signature',
        algorithm: 'sha512',
        encoding: 'base64',
      });
      const signature = b64('sha512', secret, BODY);
      await expectRejected(hook, { 'X-Acme-Signature': b64('sha512', secret, TAMPERED) });
      await expectRejected(hook, { 'X-Acme-Signature': b64('sha512', 'wrong', BODY) });
      await expectRejected(hook, { 'X-Acme-Signature': b64('sha256', secret, BODY) });
      await expectRejected(hook, { 'X-Acme-Signature': hex('sha512', secret, BODY) });
      await expectRejected(hook, { 'X-Other-Signature': signature });
      await expectRejected(hook, {});
      expect(await storedFor(hook)).toBe(0);
      const execution = await expectAccepted(hook, { 'X-Acme-Signature': signature });
      expect(execution.triggerData.headers['x-acme-signature']).toBe('[redacted]');
      expect(JSON.stringify(execution)).not.toContain(signature);
      await expectAccepted(hook, { 'X-Acme-Signature': `sha512=${signature}` });
      expect(await storedFor(hook)).toBe(2);
    });

    it('supports sha1 and sha256 in hex', async () => {
      const credentialId = await credential('webhookSecret', { secret });
      const sha1 = await hookWith({ type: 'hmac', preset: 'generic', credentialId, headerName: 'X-Sig', algorithm: 'sha1', encoding: 'hex' });
      await expectAccepted(sha1, { 'X-Sig': hex('sha1', secret, BODY) });
      await expectAccepted(sha1, { 'X-Sig': `sha1=${hex('sha1', secret, BODY).toUpperCase()}` });
      await expectRejected(sha1, { 'X-Sig': hex('sha256', secret, BODY) });
      const sha256 = await hookWith({ type: 'hmac', preset: 'generic', credentialId, headerName: 'X-Sig', algorithm: 'sha256', encoding: 'hex' });
      await expectAccepted(sha256, { 'X-Sig': hex('sha256', secret, BODY) });
      await expectRejected(sha256, { 'X-Sig': hex('sha256', secret, TAMPERED) });
      expect(await storedFor(sha1)).toBe(2);
      expect(await storedFor(sha256)).toBe(1);
    });
  });

  describe('header and basic', () => {
    it('header: the credential header must carry exactly its value, and is redacted', async () => {
      const value = 'tok-' + randomBytes(12).toString('hex');
      const hook = await hookWith({ type: 'header', credentialId: await credential('httpHeaderAuth', { name: 'X-Token', value }) });
      await expectRejected(hook, { 'X-Token': `${value}x` }, BODY, [value]);
      await expectRejected(hook, { 'X-Token': value.slice(0, -1) });
      await expectRejected(hook, { 'X-Other': value });
      await expectRejected(hook, {});
      expect(await storedFor(hook)).toBe(0);
      const execution = await expectAccepted(hook, { 'X-Token': value });
      expect(execution.triggerData.headers['x-token']).toBe('[redacted]');
      expect(JSON.stringify(execution)).not.toContain(value);
      expect(await storedFor(hook)).toBe(1);
    });

    it('basic: the right user and password pass; a wrong one, a missing or malformed header gets 401 with a challenge', async () => {
      const password = 'pw-' + randomBytes(8).toString('hex');
      const hook = await hookWith({ type: 'basic', credentialId: await credential('httpBasicAuth', { username: 'sender', password }) });
      const basic = (user: string, pass: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
      await expectRejected(hook, basic('sender', 'wrong'), BODY, [password]);
      await expectRejected(hook, basic('other', password));
      await expectRejected(hook, { Authorization: `Bearer ${password}` });
      await expectRejected(hook, { Authorization: `Basic ${Buffer.from(`sender${password}`).toString('base64')}` });
      const missing = await send(hook, {});
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toMatch(/^Basic /);
      expect(await storedFor(hook)).toBe(0);
      const execution = await expectAccepted(hook, basic('sender', password));
      expect(execution.triggerData.headers.authorization).toBe('[redacted]');
      await expectAccepted(hook, { Authorization: `basic ${Buffer.from(`sender:${password}`).toString('base64')}` });
      expect(await storedFor(hook)).toBe(2);
    });
  });

  it('applies a credential PATCH to what is accepted within seconds', async () => {
    const credentialId = await credential('webhookSecret', { secret: 'before-rotation' });
    const hook = await hookWith({ type: 'hmac', preset: 'github', credentialId });
    const signedWith = (key: string) => ({ 'X-Hub-Signature-256': `sha256=${hex('sha256', key, BODY)}` });
    await expectAccepted(hook, signedWith('before-rotation'));
    await t.http.patch(`/credentials/${credentialId}`).set(t.admin).send({ data: { secret: 'after-rotation' } }).expect(200);
    // Generous bound: the cache keeps a decrypted secret for 2 s.
    let status = 0;
    for (const deadline = Date.now() + 10_000; status !== 202 && Date.now() < deadline; ) {
      status = (await send(hook, signedWith('after-rotation'))).status;
      if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(202);
    await expectRejected(hook, signedWith('before-rotation'));
    expect(await storedFor(hook)).toBe(2);
  });
});
