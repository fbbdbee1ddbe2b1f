/**
 * Removes credential values from what a node returns or reports (SPEC §9.2): a target may echo the
 * Authorization header back, an error may quote a URL with a bot token in it. Nodes scrub their own
 * output and errors because only they know which values came from a credential.
 */
export const SCRUBBED = '[redacted]';
/**
 * Values shorter than this are not scrubbed: replacing every "ab" in a response would destroy the
 * data while protecting nothing a guess would not reveal.
 */
const MIN_SECRET_LENGTH = 3;
/** The forms a secret may take once quoted into text: as is and URL-encoded. */
export function secretForms(values) {
    const forms = new Set();
    for (const value of values) {
        if (!value || value.length < MIN_SECRET_LENGTH)
            continue;
        forms.add(value);
        forms.add(encodeURIComponent(value));
    }
    // Longest first, so a secret containing another is replaced whole.
    return [...forms].sort((a, b) => b.length - a.length);
}
export function scrubText(text, secrets) {
    let out = text;
    for (const secret of secrets)
        if (out.includes(secret))
            out = out.split(secret).join(SCRUBBED);
    return out;
}
/** Deep copy of a JSON value with every string (keys included) scrubbed. */
export function scrubValue(value, secrets) {
    if (secrets.length === 0)
        return value;
    const walk = (item) => {
        if (typeof item === 'string')
            return scrubText(item, secrets);
        if (Array.isArray(item))
            return item.map(walk);
        if (item !== null && typeof item === 'object') {
            return Object.fromEntries(Object.entries(item).map(([key, child]) => [scrubText(key, secrets), walk(child)]));
        }
        return item;
    };
    return walk(value);
}
//# sourceMappingURL=secret-scrub.js.map