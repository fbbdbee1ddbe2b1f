import { CREDENTIAL_TYPES, CREDENTIAL_TYPE_NAMES } from './credential-types.js';
/** Field names only: `data` is never part of a response (SPEC §9.2). */
export const toCredentialDto = (credential) => ({
    id: credential.id,
    name: credential.name,
    type: credential.type,
    fields: credential.fields,
    ownerId: credential.ownerId,
    createdAt: credential.createdAt.toISOString(),
    updatedAt: credential.updatedAt.toISOString(),
});
export const credentialTypeDtos = () => CREDENTIAL_TYPE_NAMES.map((type) => ({ type, description: CREDENTIAL_TYPES[type].description, fields: [...CREDENTIAL_TYPES[type].fields] }));
//# sourceMappingURL=credential.mapper.js.map