import type { CredentialData } from '../../../credentials/credential-types.js';
import { header, secretEquals, unauthorized, type AuthRequest } from './auth-request.js';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="webhook", charset="UTF-8"' };

/** `basic`: `Authorization: Basic base64(username:password)` against an `httpBasicAuth` credential. */
export function verifyBasicAuth(request: AuthRequest, credential: CredentialData): string[] {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(header(request, 'authorization') ?? '');
  if (!match) throw unauthorized('Missing or malformed Basic Authorization header', CHALLENGE);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthorized('Missing or malformed Basic Authorization header', CHALLENGE);
  // Both halves are always compared, so timing does not tell which one was wrong.
  const userMatches = secretEquals(decoded.slice(0, colon), credential.username);
  const passwordMatches = secretEquals(decoded.slice(colon + 1), credential.password);
  if (!(userMatches && passwordMatches)) throw unauthorized('Invalid username or password', CHALLENGE);
  return ['authorization'];
}
