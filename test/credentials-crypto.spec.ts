import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/app-config.js';
import { CredentialCipher, CredentialDecryptionError, createCredentialCipher, keyIdOf, parseEncryptionKey } from '../src/credentials/credential-crypto.js';

const ID = '0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b';

describe('credential encryption', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfe-key-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('accepts 64 hex characters or base64 of 32 bytes, and nothing else, without echoing the value', () => {
    const key = randomBytes(32);
    expect(parseEncryptionKey(key.toString('hex'), 'ENCRYPTION_KEY')).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'), 'ENCRYPTION_KEY')).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'), 'ENCRYPTION_KEY')).toEqual(key);
    for (const bad of ['short', 'zz'.repeat(32), randomBytes(16).toString('base64'), randomBytes(33).toString('hex')]) {
      let caught: unknown;
      try {
        parseEncryptionKey(bad, 'ENCRYPTION_KEY');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe('ENCRYPTION_KEY');
      expect((caught as Error).message).not.toContain(bad);
    }
    expect(() => createCredentialCipher({ encryptionKey: '00'.repeat(32), encryptionKeysOld: ['nope'], dataDir: tempDir() }, () => {})).toThrow(/ENCRYPTION_KEYS_OLD/);
  });

  it('round-trips, binds the ciphertext to the credential id and tags it with the key id', () => {
    const key = randomBytes(32);
    const cipher = new CredentialCipher(key);
    const stored = cipher.encrypt(ID, { apiKey: 'secret' });
    expect(stored.startsWith(`v1:${keyIdOf(key)}:`)).toBe(true);
    expect(cipher.isCurrent(stored)).toBe(true);
    expect(cipher.decrypt(ID, stored)).toEqual({ apiKey: 'secret' });
    expect(() => cipher.decrypt('0190a5b2-7c3d-7e4f-8a1b-000000000000', stored)).toThrow(CredentialDecryptionError);
    expect(() => cipher.decrypt(ID, 'plaintext')).toThrow(/not in the v1/);
    expect(() => cipher.decrypt(ID, `v1:${keyIdOf(key)}:AAAA`)).toThrow(/truncated/);
  });

  it('opens values of an old key and reports an unknown key id', () => {
    const oldKey = randomBytes(32);
    const stored = new CredentialCipher(oldKey).encrypt(ID, { token: 't' });
    const rotated = new CredentialCipher(randomBytes(32), [oldKey]);
    expect(rotated.decrypt(ID, stored)).toEqual({ token: 't' });
    expect(rotated.isCurrent(stored)).toBe(false);
    expect(() => new CredentialCipher(randomBytes(32)).decrypt(ID, stored)).toThrow(`it was encrypted with key ${keyIdOf(oldKey)}`);
  });

  it('generates a key file (mode 0600) on first start when ENCRYPTION_KEY is unset, then reuses it', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const warnings: string[] = [];
    const first = createCredentialCipher({ encryptionKey: undefined, encryptionKeysOld: [], dataDir }, (message) => warnings.push(message));
    const path = join(dataDir, 'encryption.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(warnings.join('\n')).toMatch(/generated a credentials key/);
    const stored = first.encrypt(ID, { secret: 's' });
    const second = createCredentialCipher({ encryptionKey: undefined, encryptionKeysOld: [], dataDir }, (message) => warnings.push(message));
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(second.decrypt(ID, stored)).toEqual({ secret: 's' });
    expect(warnings.at(-1)).toMatch(/using the generated credentials key/);
  });
});
