import { anyMatches, decodeSignature, hmac, requireHeader, unauthorized } from './auth-request.js';
/**
 * Any sender that signs the raw body: `headerName` carries the HMAC in `encoding`, optionally
 * prefixed with `<algorithm>=` as many senders do.
 */
export function verifyGenericHmac(request, secret, settings) {
    let value = requireHeader(request, settings.headerName);
    const prefix = `${settings.algorithm}=`;
    if (value.toLowerCase().startsWith(prefix))
        value = value.slice(prefix.length);
    const expected = hmac(settings.algorithm, secret, request.raw);
    if (!anyMatches(expected, [decodeSignature(value, settings.encoding)]))
        throw unauthorized(`Invalid ${settings.headerName} signature`);
    return [settings.headerName];
}
//# sourceMappingURL=generic-hmac.js.map