import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
/** Random, 32 bytes of entropy, recognisable by its prefix in logs and secret scanners. */
export function generateApiKey() {
    return `wfe_${randomBytes(32).toString('base64url')}`;
}
export const keyPrefix = (key) => key.slice(0, 8);
/** SHA-256 is enough for a high-entropy random key (no dictionary to attack), and cheap per request. */
export const hashApiKey = (key) => createHash('sha256').update(key).digest('hex');
export function hashesEqual(a, b) {
    const left = Buffer.from(a, 'hex');
    const right = Buffer.from(b, 'hex');
    return left.length === right.length && timingSafeEqual(left, right);
}
//# sourceMappingURL=api-key.crypto.js.map