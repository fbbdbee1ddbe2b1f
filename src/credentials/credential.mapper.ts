import { CREDENTIAL_TYPES, CREDENTIAL_TYPE_NAMES } from './credential-types.js';
import type { CredentialEntity } from './credential.entity.js';
import type { CredentialDto, CredentialTypeDto } from './dto/credential.dto.js';

/** Field names only: `data` is never part of a response (docs/security.md). */
export const toCredentialDto = (credential: CredentialEntity): CredentialDto => ({
  id: credential.id,
  name: credential.name,
  type: credential.type,
  fields: credential.fields,
  ownerId: credential.ownerId,
  createdAt: credential.createdAt.toISOString(),
  updatedAt: credential.updatedAt.toISOString(),
});

export const credentialTypeDtos = (): CredentialTypeDto[] =>
  CREDENTIAL_TYPE_NAMES.map((type) => ({ type, description: CREDENTIAL_TYPES[type].description, fields: [...CREDENTIAL_TYPES[type].fields] }));
