/** SPEC §7.5: stored node input/output is at most 1 MiB each, beyond which a marker replaces it. */
export const MAX_STORED_VALUE_BYTES = 1024 * 1024;
/**
 * JSON for a jsonb column. Postgres rejects the NUL character in jsonb text, which outside data can
 * carry; it becomes U+FFFD rather than failing the write.
 */
export function toJsonb(value) {
    const json = JSON.stringify(value ?? null);
    return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
}
/**
 * Serialises node records for storage: drops successful nodes' data under `saveNodeData:
 * errorsOnly`, and truncates any input or output over the limit. Later nodes still got the full value.
 */
export function serializeNodeRecords(records, settings) {
    const stored = settings.saveNodeData === 'errorsOnly' ? records.map((r) => (r.status === 'SUCCESS' ? { ...r, input: null, output: null } : r)) : records;
    const json = toJsonb(stored);
    // Fast path: if the whole array is under the limit, no single value can be over it.
    if (json.length * 3 <= MAX_STORED_VALUE_BYTES)
        return json;
    return toJsonb(stored.map((record) => ({ ...record, input: truncated(record.input), output: truncated(record.output) })));
}
function truncated(value) {
    if (value === null || value === undefined)
        return value ?? null;
    const bytes = Buffer.byteLength(JSON.stringify(value));
    return bytes > MAX_STORED_VALUE_BYTES ? { truncated: true, bytes } : value;
}
//# sourceMappingURL=node-records.js.map