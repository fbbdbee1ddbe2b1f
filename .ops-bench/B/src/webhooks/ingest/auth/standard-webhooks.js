import { anyMatches, checkTimestamp, decodeSignature, hmac, requireHeader, unauthorized } from './auth-request.js';
const SECRET_PREFIX = 'whsec_';
/**
 * Standard Webhooks: `webhook-signature: v1,<base64> [v1,<base64> …]` (several while a sender rotates
 * its secret) over `${webhook-id}.${webhook-timestamp}.${body}`. A `whsec_` secret is base64 after the
 * prefix, as the specification's libraries read it; any other secret is used as its raw bytes.
 */
export function verifyStandardWebhooks(request, secret, toleranceSeconds) {
    const id = requireHeader(request, 'webhook-id');
    const timestamp = requireHeader(request, 'webhook-timestamp');
    const signatures = requireHeader(request, 'webhook-signature');
    checkTimestamp(timestamp, toleranceSeconds, request.now);
    const expected = hmac('sha256', signingKey(secret), `${id}.${timestamp}.`, request.raw);
    const candidates = signatures
        .split(/\s+/)
        .filter((entry) => entry.startsWith('v1,'))
        .map((entry) => decodeSignature(entry.slice(3), 'base64'));
    if (!anyMatches(expected, candidates))
        throw unauthorized('Invalid webhook-signature');
    return ['webhook-signature'];
}
function signingKey(secret) {
    if (!secret.startsWith(SECRET_PREFIX))
        return Buffer.from(secret, 'utf8');
    const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
    // An unreadable whsec_ secret would make every signature "valid" for an empty key: refuse instead.
    if (!key.length)
        throw unauthorized('The webhook secret is not usable');
    return key;
}
//# sourceMappingURL=standard-webhooks.js.map