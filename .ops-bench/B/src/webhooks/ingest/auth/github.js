import { anyMatches, decodeSignature, hmac, requireHeader, unauthorized } from './auth-request.js';
const HEADER = 'x-hub-signature-256';
/** GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body. */
export function verifyGithub(request, secret) {
    const value = requireHeader(request, HEADER);
    const given = value.startsWith('sha256=') ? decodeSignature(value.slice('sha256='.length), 'hex') : undefined;
    if (!anyMatches(hmac('sha256', secret, request.raw), [given]))
        throw unauthorized('Invalid X-Hub-Signature-256');
    return [HEADER];
}
//# sourceMappingURL=github.js.map