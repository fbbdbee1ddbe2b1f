import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../common/app-error.js';

/** What a check needs of the request: its exact bytes, its headers and the time it is judged at. */
export interface AuthRequest {
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** Unix seconds. */
  now: number;
}

/** Every failure is the same 401; the reason helps a sender's developer and never quotes a secret. */
export const unauthorized = (reason: string, headers: Record<string, string> = {}): AppError => new AppError('unauthorized', reason, headers);

/** Node lowercases header names; a repeated header arrives joined with ", ". */
export function header(request: AuthRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text ? text.trim() : undefined;
}

export function requireHeader(request: AuthRequest, name: string): string {
  const value = header(request, name);
  if (!value) throw unauthorized(`Missing ${name} header`);
  return value;
}

export function hmac(algorithm: 'sha1' | 'sha256' | 'sha512', key: Buffer | string, ...parts: (Buffer | string)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * True when any candidate equals `expected`. Every candidate is compared, each in constant time;
 * a length difference says nothing secret (a digest's length is public).
 */
export function anyMatches(expected: Buffer, candidates: (Buffer | undefined)[]): boolean {
  let matched = false;
  for (const candidate of candidates) {
    const equal = candidate !== undefined && candidate.length === expected.length && timingSafeEqual(candidate, expected);
    matched = equal || matched;
  }
  return matched;
}

/**
 * Constant-time equality of two secret strings of any length: their SHA-256 digests are compared,
 * so neither the content nor the length of the expected value leaks through timing.
 */
export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given, 'utf8').digest(), createHash('sha256').update(expected, 'utf8').digest());
}

const HEX = /^(?:[0-9a-f]{2})+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Strict decoding: a malformed value is no signature at all (Buffer.from would silently truncate). */
export function decodeSignature(value: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (encoding === 'hex') return HEX.test(value) ? Buffer.from(value, 'hex') : undefined;
  return BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
}

/** Unix seconds, digits only; rejects skew beyond `toleranceSeconds` in either direction. */
export function checkTimestamp(value: string, toleranceSeconds: number, now: number): number {
  if (!/^\d{1,12}$/.test(value)) throw unauthorized('Malformed signature timestamp');
  const timestamp = Number(value);
  if (Math.abs(now - timestamp) > toleranceSeconds) throw unauthorized(`Signature timestamp is more than ${toleranceSeconds} s away from the server's clock`);
  return timestamp;
}
