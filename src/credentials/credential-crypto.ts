import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type AppConfig } from '../config/app-config.js';
import type { CredentialData } from './credential-types.js';

const FORMAT = 'v1';
const KEY_BYTES = 32;
/** 96 bits: the nonce size GCM is specified for; random per encryption. */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_FILE_NAME = 'encryption.key';

/**
 * A stored credential that cannot be opened. The message names the credential and the reason,
 * never any part of the plaintext.
 */
export class CredentialDecryptionError extends Error {
  constructor(
    readonly credentialId: string,
    reason: string,
  ) {
    super(`Credential ${credentialId} could not be decrypted: ${reason}`);
    this.name = 'CredentialDecryptionError';
  }
}

interface Key {
  id: string;
  key: Buffer;
}

/** The first 8 hex characters of sha256(key): stored with each value so keys can rotate. */
export const keyIdOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** 32 bytes as 64 hex characters or base64 (standard or url-safe, padded or not). */
export function parseEncryptionKey(raw: string, variable: string): Buffer {
  const text = raw.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  // Never echo the value: it is (or was meant to be) a secret.
  throw new ConfigError(variable, 'must be 32 bytes written as 64 hex characters or as base64 (e.g. the output of `openssl rand -hex 32`)');
}

/**
 * AES-256-GCM with the credential id as associated data, so a ciphertext copied onto another
 * credential row fails to open. Encrypts with the current key; opens with it or any old key.
 */
export class CredentialCipher {
  private readonly current: Key;
  private readonly keys: Key[];

  constructor(current: Buffer, old: Buffer[] = []) {
    this.current = { id: keyIdOf(current), key: current };
    this.keys = [this.current, ...old.map((key) => ({ id: keyIdOf(key), key }))];
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  /** A separate key for another purpose (e.g. signing resume URLs), derived so the master never leaves. */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.current.key).update(`workflow-executor:${purpose}`).digest();
  }

  /** `v1:<keyId>:<base64(nonce | ciphertext | tag)>` */
  encrypt(credentialId: string, data: CredentialData): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(credentialId, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return `${FORMAT}:${this.current.id}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** True when `stored` was encrypted with the current key (re-encryption skips those). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${FORMAT}:${this.current.id}:`);
  }

  decrypt(credentialId: string, stored: string): CredentialData {
    const parts = stored.split(':');
    if (parts.length !== 3 || parts[0] !== FORMAT) {
      throw new CredentialDecryptionError(credentialId, `the stored value is not in the ${FORMAT}:<keyId>:<data> format`);
    }
    const [, keyId, payload] = parts;
    // 32-bit key ids can collide, so every key with a matching id is tried.
    const candidates = this.keys.filter((key) => key.id === keyId);
    if (!candidates.length) {
      throw new CredentialDecryptionError(credentialId, `it was encrypted with key ${keyId}, which is neither ENCRYPTION_KEY nor one of ENCRYPTION_KEYS_OLD`);
    }
    const bytes = Buffer.from(payload, 'base64');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new CredentialDecryptionError(credentialId, 'the stored value is truncated');
    for (const { key } of candidates) {
      const plaintext = open(key, bytes, credentialId);
      if (plaintext !== undefined) return parseData(credentialId, plaintext);
    }
    throw new CredentialDecryptionError(credentialId, `authentication failed: the stored value was altered, or key ${keyId} is not the key it was encrypted with`);
  }
}

function open(key: Buffer, bytes: Buffer, credentialId: string): string | undefined {
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(credentialId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function parseData(credentialId: string, plaintext: string): CredentialData {
  try {
    const data: unknown = JSON.parse(plaintext);
    if (data && typeof data === 'object' && !Array.isArray(data)) return data as CredentialData;
  } catch {
    // Falls through: the reason below must not quote the plaintext.
  }
  throw new CredentialDecryptionError(credentialId, 'the decrypted value is not a JSON object');
}

/**
 * The cipher for this process: ENCRYPTION_KEY (or the generated key file) to encrypt, plus
 * ENCRYPTION_KEYS_OLD to open values written before a rotation.
 */
export function createCredentialCipher(config: Pick<AppConfig, 'encryptionKey' | 'encryptionKeysOld' | 'dataDir'>, warn: (message: string) => void): CredentialCipher {
  const current = config.encryptionKey !== undefined ? parseEncryptionKey(config.encryptionKey, 'ENCRYPTION_KEY') : loadOrCreateKeyFile(config.dataDir, warn);
  const old = config.encryptionKeysOld.map((key) => parseEncryptionKey(key, 'ENCRYPTION_KEYS_OLD'));
  return new CredentialCipher(current, old);
}

/**
 * docs/scaling.md: with no ENCRYPTION_KEY, a random key is generated into the data directory on first
 * start and reused afterwards. Written to a temporary file and hard-linked into place, so that
 * replicas sharing the directory never read a half-written key and only one key ever wins.
 */
export function loadOrCreateKeyFile(dataDir: string, warn: (message: string) => void): Buffer {
  const path = join(dataDir, KEY_FILE_NAME);
  mkdirSync(dataDir, { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600 });
  let created = false;
  try {
    linkSync(temporary, path);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  if ((statSync(path).mode & 0o077) !== 0) warn(`${path} is readable by other users; restrict it with chmod 600`);
  let key: Buffer;
  try {
    key = parseEncryptionKey(readFileSync(path, 'utf8'), 'ENCRYPTION_KEY');
  } catch {
    throw new ConfigError('ENCRYPTION_KEY', `is unset and ${path} does not hold a valid key`);
  }
  warn(
    created
      ? `ENCRYPTION_KEY is not set: generated a credentials key into ${path}. Back it up, and set ENCRYPTION_KEY in production`
      : `ENCRYPTION_KEY is not set: using the generated credentials key in ${path}. Set ENCRYPTION_KEY in production`,
  );
  return key;
}
