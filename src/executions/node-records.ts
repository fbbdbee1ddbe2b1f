import type { WorkflowSettings } from '../workflows/workflow.types.js';
import type { NodeExecution } from './execution.types.js';

/** SPEC §7.5: stored node input/output is at most 1 MiB each, beyond which a marker replaces it. */
export const MAX_STORED_VALUE_BYTES = 1024 * 1024;

/**
 * JSON for a jsonb column. Postgres rejects the NUL character in jsonb text, which outside data can
 * carry; it becomes U+FFFD rather than failing the write.
 */
export function toJsonb(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
}

/**
 * Serialises node records for storage: drops successful nodes' data under `saveNodeData:
 * errorsOnly`, and truncates any input or output over the limit. Later nodes still got the full value.
 */
export function serializeNodeRecords(records: NodeExecution[], settings: WorkflowSettings, secrets: ReadonlySet<string> = NO_SECRETS): string {
  const stored = settings.saveNodeData === 'errorsOnly' ? records.map((r) => (r.status === 'SUCCESS' ? { ...r, input: null, output: null } : r)) : records;
  const json = toJsonb(stored);
  // Fast path: if the whole array is under the limit, no single value can be over it.
  if (json.length * 3 <= MAX_STORED_VALUE_BYTES) return scrubSecrets(json, secrets);
  return scrubSecrets(toJsonb(stored.map((record) => ({ ...record, input: truncated(record.input), output: truncated(record.output) }))), secrets);
}

const NO_SECRETS: ReadonlySet<string> = new Set();
export const REDACTED_SECRET = '[redacted]';

/**
 * Replaces every credential value a run decrypted (raw, JSON-escaped and base64, as in Basic auth)
 * in text about to be stored or answered (SPEC §9.2): whatever a node or an outside service echoed
 * back, the record never holds a secret.
 */
export function scrubSecrets(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')]) {
      if (form.length >= MIN_SECRET_LENGTH && out.includes(form)) out = out.split(form).join(REDACTED_SECRET);
    }
  }
  return out;
}

/** Shorter values would redact ordinary data everywhere; credentials are longer in practice. */
export const MIN_SECRET_LENGTH = 4;

function truncated(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  const bytes = Buffer.byteLength(JSON.stringify(value));
  return bytes > MAX_STORED_VALUE_BYTES ? { truncated: true, bytes } : value;
}
