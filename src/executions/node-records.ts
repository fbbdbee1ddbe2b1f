import type { WorkflowSettings } from '../workflows/workflow.types.js';
import type { ElementRecord, NodeExecution } from './execution.types.js';

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
 * A node record as stored: an input or output that is the very value stored before it (the
 * trigger data, or an earlier node's output passed on unchanged, as most inputs are) is kept once,
 * as a reference: `"triggerData"` (the execution's column) or `"output:<node name>"`. A pure
 * three-node run otherwise stored the request four times over, and PostgreSQL's parsing of those
 * copies was most of its cost per execution (bench/README.md). expandNodeRecords restores them.
 */
export interface StoredNodeExecution extends NodeExecution {
  inputRef?: string;
  outputRef?: string;
}

const TRIGGER_DATA_REF = 'triggerData';
const OUTPUT_REF = 'output:';

/**
 * Serialises node records for storage: drops successful nodes' data under `saveNodeData:
 * errorsOnly`, truncates any input or output over the limit (later nodes still got the full value),
 * and with `references` stores repeated values once (StoredNodeExecution). The engine asks for
 * references in final states only: an execution in progress may be continued by another replica,
 * which during a rolling upgrade could be one that does not expand them.
 */
export function serializeNodeRecords(records: NodeExecution[], settings: WorkflowSettings, secrets: ReadonlySet<string> = NO_SECRETS, references?: { triggerData: unknown }): string {
  const stored = settings.saveNodeData === 'errorsOnly' ? records.map((r) => (r.status === 'SUCCESS' ? { ...r, input: null, output: null, elements: r.elements && withoutOutputs(r.elements) } : r)) : records;
  const json = toJsonb(references ? withReferences(stored, references.triggerData) : stored);
  // Fast path: if the whole array is under the limit, no single value in it can be over it.
  if (json.length * 3 <= MAX_STORED_VALUE_BYTES) return scrubSecrets(json, secrets);
  // Over it, every record stands alone, its values whole or truncated.
  return scrubSecrets(toJsonb(stored.map((record) => ({ ...record, input: truncated(record.input), output: truncated(record.output), elements: record.elements && truncatedElements(record.elements) }))), secrets);
}

/**
 * A forEach node's elements (SPEC §7.10) under the same 1 MiB bound as a node's output: each output
 * over it is truncated, and when all of them together are still over it, every output is replaced by
 * its marker. Status, attempts and error are always kept.
 */
function truncatedElements(elements: ElementRecord[]): ElementRecord[] {
  const each = elements.map((element) => ({ ...element, output: truncated(element.output) }));
  if (Buffer.byteLength(JSON.stringify(each)) <= MAX_STORED_VALUE_BYTES) return each;
  return elements.map((element) => ({ ...element, output: element.output === null ? null : { truncated: true, bytes: Buffer.byteLength(JSON.stringify(element.output)) } }));
}

function withoutOutputs(elements: ElementRecord[]): ElementRecord[] {
  return elements.map((element) => (element.status === 'SUCCESS' ? { ...element, output: null } : element));
}

/** Replaces values seen before (the same object, as nodes pass them on) by references to them. */
function withReferences(records: NodeExecution[], triggerData: unknown): StoredNodeExecution[] {
  const seen = new Map<object, string>();
  const remember = (value: unknown, ref: string) => {
    if (typeof value === 'object' && value !== null && !seen.has(value)) seen.set(value, ref);
  };
  const refTo = (value: unknown): string | undefined => (typeof value === 'object' && value !== null ? seen.get(value) : undefined);
  // The trigger data is stored whole in its own column; a reference to it reads back truncated
  // where a copy would have been stored truncated (expandNodeRecords). References to outputs exist
  // only on the fast path below, where every value is under the limit.
  remember(triggerData, TRIGGER_DATA_REF);
  return records.map((record) => {
    const inputRef = refTo(record.input);
    const outputRef = refTo(record.output);
    if (!outputRef) remember(record.output, OUTPUT_REF + record.nodeName);
    if (!inputRef && !outputRef) return record;
    // A literal of one fixed shape: a spread copy and added keys cost several times more here.
    return {
      nodeId: record.nodeId,
      nodeName: record.nodeName,
      nodeType: record.nodeType,
      status: record.status,
      input: inputRef ? null : record.input,
      inputRef,
      output: outputRef ? null : record.output,
      outputRef,
      error: record.error,
      attempts: record.attempts,
      branch: record.branch,
      startedAt: record.startedAt,
      completedAt: record.completedAt,
      executionTime: record.executionTime,
      elements: record.elements,
    };
  });
}

/** The records as they ran, from their stored form (serializeNodeRecords); changes them in place. */
export function expandNodeRecords(records: StoredNodeExecution[] | null | undefined, triggerData: unknown): NodeExecution[] {
  if (!records) return [];
  const outputs = new Map<string, unknown>();
  let trigger: { value: unknown } | undefined;
  const resolve = (ref: string) => {
    if (ref !== TRIGGER_DATA_REF) return outputs.get(ref.slice(OUTPUT_REF.length)) ?? null;
    trigger ??= { value: truncated(triggerData) };
    return trigger.value;
  };
  for (const record of records) {
    if (record.inputRef !== undefined) {
      record.input = resolve(record.inputRef);
      delete record.inputRef;
    }
    if (record.outputRef !== undefined) {
      record.output = resolve(record.outputRef);
      delete record.outputRef;
    }
    outputs.set(record.nodeName, record.output);
  }
  return records;
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
