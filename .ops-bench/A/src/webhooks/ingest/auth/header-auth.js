import { header, secretEquals, unauthorized } from './auth-request.js';
/**
 * `header`: the `httpHeaderAuth` credential's header `name` must carry exactly its `value`. The
 * reason given does not name the header: it is part of the credential.
 */
export function verifyHeaderAuth(request, credential) {
    const given = header(request, credential.name);
    if (given === undefined)
        throw unauthorized('Missing authentication header');
    if (!secretEquals(given, credential.value))
        throw unauthorized('Invalid authentication header');
    return [credential.name];
}
//# sourceMappingURL=header-auth.js.map