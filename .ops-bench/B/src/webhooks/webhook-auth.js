export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'];
export const SIGNATURE_ENCODINGS = ['hex', 'base64'];
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** The credential type each authentication type checks requests against (SPEC §9.3). */
export const CREDENTIAL_TYPE_FOR_AUTH = {
    header: 'httpHeaderAuth',
    basic: 'httpBasicAuth',
    hmac: 'webhookSecret',
};
/** Presets whose signature covers a timestamp, so clock skew is bounded by toleranceSeconds. */
const TIMESTAMPED_PRESETS = ['standardWebhooks', 'stripe'];
/** What each type (and hmac preset) needs, and what it can take. */
function fieldsFor(type, preset) {
    if (type === 'none')
        return { required: [], allowed: [] };
    if (type !== 'hmac')
        return { required: ['credentialId'], allowed: ['credentialId'] };
    const required = ['credentialId', 'preset'];
    const allowed = ['credentialId', 'preset'];
    if (preset === 'generic') {
        required.push('headerName', 'algorithm', 'encoding');
        allowed.push('headerName', 'algorithm', 'encoding');
    }
    if (preset && TIMESTAMPED_PRESETS.includes(preset))
        allowed.push('toleranceSeconds');
    return { required, allowed };
}
/**
 * Cross-field rules the DTO's per-field checks cannot express: which fields a type needs, and that
 * no field is set that the type would ignore (a silently ignored setting hides a mistake). Returns
 * the object to store, with defaults filled in, or the problems found.
 */
export function normalizeAuthentication(input) {
    const { required, allowed } = fieldsFor(input.type, input.preset);
    const given = Object.keys(input).filter((field) => field !== 'type' && input[field] !== undefined && input[field] !== null);
    const context = input.type === 'hmac' && input.preset ? `type hmac with preset ${input.preset}` : `type ${input.type}`;
    const problems = [
        ...required.filter((field) => !given.includes(field)).map((field) => `authentication.${field} is required for ${context}`),
        ...given.filter((field) => !allowed.includes(field)).map((field) => `authentication.${field} does not apply to ${context}`),
    ];
    const authentication = { type: input.type };
    for (const field of allowed)
        if (input[field] !== undefined && input[field] !== null)
            Object.assign(authentication, { [field]: input[field] });
    if (allowed.includes('toleranceSeconds'))
        authentication.toleranceSeconds ??= DEFAULT_TOLERANCE_SECONDS;
    return { authentication, problems };
}
//# sourceMappingURL=webhook-auth.js.map