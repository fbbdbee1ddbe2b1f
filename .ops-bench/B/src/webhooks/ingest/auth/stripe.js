import { anyMatches, checkTimestamp, decodeSignature, hmac, requireHeader, unauthorized } from './auth-request.js';
const HEADER = 'stripe-signature';
/**
 * Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `${t}.${body}`; any v1 may match
 * (Stripe sends one per active secret while one is being rolled). Other schemes (v0) are ignored.
 */
export function verifyStripe(request, secret, toleranceSeconds) {
    const value = requireHeader(request, HEADER);
    let timestamp;
    const candidates = [];
    for (const item of value.split(',')) {
        const separator = item.indexOf('=');
        if (separator < 0)
            continue;
        const [key, text] = [item.slice(0, separator).trim(), item.slice(separator + 1).trim()];
        if (key === 't')
            timestamp ??= text;
        else if (key === 'v1')
            candidates.push(decodeSignature(text, 'hex'));
    }
    if (timestamp === undefined || !candidates.length)
        throw unauthorized('Malformed Stripe-Signature header');
    checkTimestamp(timestamp, toleranceSeconds, request.now);
    if (!anyMatches(hmac('sha256', secret, `${timestamp}.`, request.raw), candidates))
        throw unauthorized('Invalid Stripe-Signature');
    return [HEADER];
}
//# sourceMappingURL=stripe.js.map