import type { CredentialData } from '../../../credentials/credential-types.js';
import { header, secretEquals, unauthorized, type AuthRequest } from './auth-request.js';

/**
 * `header`: the `httpHeaderAuth` credential's header `name` must carry exactly its `value`. The
 * reason given does not name the header: it is part of the credential.
 */
export function verifyHeaderAuth(request: AuthRequest, credential: CredentialData): string[] {
  const given = header(request, credential.name);
  if (given === undefined) throw unauthorized('Missing authentication header');
  if (!secretEquals(given, credential.value)) throw unauthorized('Invalid authentication header');
  return [credential.name];
}
