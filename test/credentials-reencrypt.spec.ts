import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCipher, keyIdOf } from '../src/credentials/credential-crypto.js';
import { reencryptCredentials, type ReencryptionReport } from '../src/credentials/credential-reencryption.js';
import { createWebhook, createWorkflow, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/*
 * docs/security.md key rotation against the test database: credentials written by the service under key A
 * are moved onto key B by the same function `npm run credentials:reencrypt` runs. Other test files'
 * credentials share the database under another key: they must come out failed and untouched.
 */

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);
const KEY_C = randomBytes(32);

const DATA: { type: string; data: Record<string, string> }[] = [
  { type: 'httpHeaderAuth', data: { name: 'X-Token', value: 'rotate-me-123' } },
  { type: 'webhookSecret', data: { secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=' } },
  { type: 'httpBasicAuth', data: { username: 'zoë', password: 'pässword: with colon' } },
  { type: 'resend', data: { apiKey: 're_1234567890' } },
  { type: 'telegram', data: { botToken: '123:ABC' } },
  { type: 'httpBearerAuth', data: { token: 'bearer-on-b' } },
  { type: 'webhookSecret', data: { secret: 'tampered-one' } },
  { type: 'httpBearerAuth', data: { token: 'unknown-key' } },
];

interface Row {
  id: string;
  data: string;
  updatedAt: Date;
}

describe('credentials re-encryption (npm run credentials:reencrypt)', () => {
  let a: TestApp;
  let b: TestApp | undefined;
  let dataSource: DataSource;
  const ids: string[] = [];
  let before: Map<string, Row>;
  let report: ReencryptionReport;
  const batches: number[] = [];
  let headerHook: string;

  const rows = async (): Promise<Map<string, Row>> => new Map((await dataSource.query<Row[]>('SELECT "id", "data", "updatedAt" FROM credentials')).map((row) => [row.id, row]));
  const setData = (id: string, data: string) => dataSource.query('UPDATE credentials SET data = $1 WHERE id = $2', [data, id]);

  beforeAll(async () => {
    a = await startTestApp({ ENCRYPTION_KEY: KEY_A.toString('hex') });
    dataSource = a.app.get(DataSource);
    const member = await a.createMember('rotation');
    for (const [index, { type, data }] of DATA.entries()) {
      const response = await a.http.post('/credentials').set(member.auth).send({ name: `rotation-${index}`, type, data });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      ids.push(response.body.id);
    }
    const workflow = await createWorkflow(a, workflowBody([{ name: 'Hook', type: 'trigger' }, { name: 'Out', type: 'noOp' }], [['Hook', 'Out']]), member.auth);
    headerHook = (await createWebhook(a, workflow.id, { authentication: { type: 'header', credentialId: ids[0] } }, member.auth)).id;
    await a.http.post(`/webhook/handler/${headerHook}`).set('X-Token', 'rotate-me-123').send({}).expect(202);

    // One row already on B, one altered after encryption, one under a key the run is not given.
    await setData(ids[5], new CredentialCipher(KEY_B).encrypt(ids[5], DATA[5].data));
    const stored = (await rows()).get(ids[6])!.data;
    const [format, keyId, payload] = stored.split(':');
    const bytes = Buffer.from(payload, 'base64');
    bytes[14] ^= 0x01;
    await setData(ids[6], `${format}:${keyId}:${bytes.toString('base64')}`);
    await setData(ids[7], new CredentialCipher(KEY_C).encrypt(ids[7], DATA[7].data));
    await a.close();

    // The service restarted on the new key only, before and after the run.
    b = await startTestApp({ ENCRYPTION_KEY: KEY_B.toString('hex') });
    dataSource = b.app.get(DataSource);
    before = await rows();
  });

  afterAll(async () => {
    await b?.close();
  });

  it('a service holding only the new key cannot use credentials still on the old one', async () => {
    await b!.http.post(`/webhook/handler/${headerHook}`).set('X-Token', 'rotate-me-123').send({}).expect(401);
  });

  it('moves every readable credential onto the current key, in batches, and reports the rest by id', async () => {
    report = await reencryptCredentials(dataSource, new CredentialCipher(KEY_B, [KEY_A]), { batchSize: 2, onBatch: (progress) => batches.push(progress.reencrypted) });
    const foreign = [...before.keys()].filter((id) => !ids.includes(id));
    expect(report.reencrypted).toBe(5);
    expect(report.alreadyCurrent).toBe(1);
    expect(report.failed.map((failure) => failure.id).sort()).toEqual([ids[6], ids[7], ...foreign].sort());
    expect(batches.length).toBe(Math.ceil(before.size / 2));

    const after = await rows();
    const onlyB = new CredentialCipher(KEY_B);
    for (const [index, id] of ids.entries()) {
      if (index === 6 || index === 7) continue;
      expect(after.get(id)!.data.startsWith(`v1:${keyIdOf(KEY_B)}:`)).toBe(true);
      expect(onlyB.decrypt(id, after.get(id)!.data)).toEqual(DATA[index].data);
      // The secret did not change, so neither does updatedAt.
      expect(after.get(id)!.updatedAt.getTime()).toBe(before.get(id)!.updatedAt.getTime());
    }
    expect(after.get(ids[5])!.data).toBe(before.get(ids[5])!.data);
  });

  it('leaves credentials it cannot open untouched and says why without quoting them', async () => {
    const after = await rows();
    for (const id of [ids[6], ids[7], ...[...before.keys()].filter((id) => !ids.includes(id))]) expect(after.get(id)!.data).toBe(before.get(id)!.data);
    const tampered = report.failed.find((failure) => failure.id === ids[6])!;
    expect(tampered.reason).toMatch(/altered/);
    const unknownKey = report.failed.find((failure) => failure.id === ids[7])!;
    expect(unknownKey.reason).toContain(keyIdOf(KEY_C));
    expect(JSON.stringify(report)).not.toMatch(/tampered-one|unknown-key|rotate-me/);
  });

  it('is safe to run again: nothing left to move', async () => {
    const again = await reencryptCredentials(dataSource, new CredentialCipher(KEY_B, [KEY_A]));
    expect(again.reencrypted).toBe(0);
    expect(again.alreadyCurrent).toBe(6);
    expect(again.failed.map((failure) => failure.id)).toContain(ids[6]);
  });

  it('the service on the new key alone accepts the rotated credential', async () => {
    // Generous bound: webhook authentication keeps a credential's outcome for 2 s.
    let status = 0;
    for (const deadline = Date.now() + 10_000; status !== 202 && Date.now() < deadline; ) {
      status = (await b!.http.post(`/webhook/handler/${headerHook}`).set('X-Token', 'rotate-me-123').send({})).status;
      if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(202);
    await b!.http.post(`/webhook/handler/${headerHook}`).set('X-Token', 'wrong').send({}).expect(401);
  });
});
