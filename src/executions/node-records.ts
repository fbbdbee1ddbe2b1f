import { isoTime } from '../common/iso-time.js';
import { encodedForms, jsonEscaped, MIN_SECRET_LENGTH, REDACTED } from '../common/redaction.js';
import type { WorkflowSettings } from '../workflows/workflow.types.js';
import type { ElementRecord, NodeExecution } from './execution.types.js';

/** docs/workflows.md: stored node input/output is at most 1 MiB each, beyond which a marker replaces it. */
export const MAX_STORED_VALUE_BYTES = 1024 * 1024;

/**
 * JSON for a jsonb column. Postgres rejects in jsonb text the NUL character and unpaired UTF-16
 * surrogates ("Unicode low surrogate must follow a high surrogate"), which outside data and
 * expressions (`"\ud800"`) can carry; they become U+FFFD rather than failing the write — for a
 * batch, the write of every row in it. JSON.stringify escapes exactly those surrogates that are
 * unpaired (a pair is written as is), so every `\ud8xx`–`\udfxx` escape it wrote is one.
 */
export function toJsonb(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  return json.includes('\\u0000') || json.includes('\\ud') ? json.replace(/(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g, '$1\\ufffd') : json;
}

/**
 * A node's result that cannot be stored at all (a cycle, a BigInt, a `toJSON` that throws): the
 * execution fails naming the node, rather than staying RUNNING and being run again by the sweep.
 */
export class UnstorableResultError extends Error {
  constructor(
    readonly nodeName: string | null,
    reason: string,
  ) {
    super(nodeName === null ? `The execution's records could not be stored: ${reason}` : `Node "${nodeName}": its result could not be stored: ${reason}`);
  }
}

/** serializeNodeRecords, or an UnstorableResultError naming the node whose input or output is to blame. */
export function serializeNodeRecordsOrExplain(records: NodeExecution[], settings: WorkflowSettings, secrets?: ReadonlySet<string>, references?: { triggerData: unknown }): string {
  try {
    return serializeNodeRecords(records, settings, secrets, references);
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    for (const record of records) if (!isSerialisable(record)) throw new UnstorableResultError(record.nodeName, reason);
    throw new UnstorableResultError(null, reason);
  }
}

/**
 * Records that can be stored whatever went wrong (after an UnstorableResultError, or a database
 * that refused them): values that do not serialise, or every input and output with `dataToo`, are
 * dropped; the named node and any node still RUNNING end FAILED with `error`, unrun nodes as given.
 */
export function storableFailure(records: NodeExecution[], error: UnstorableResultError, message: string, dataToo: boolean): NodeExecution[] {
  const now = isoTime(Date.now());
  return records.map((record) => {
    const blamed = record.nodeName === error.nodeName || record.status === 'RUNNING';
    const keep = !dataToo && isSerialisable(record);
    return {
      ...record,
      status: blamed ? 'FAILED' : record.status,
      input: keep ? record.input : null,
      output: keep && !blamed ? record.output : null,
      error: blamed ? message : typeof record.error === 'string' ? record.error : null,
      completedAt: blamed ? (record.completedAt ?? now) : record.completedAt,
    };
  });
}

function isSerialisable(record: NodeExecution): boolean {
  try {
    JSON.stringify([record.input, record.output, record.error]);
    return true;
  } catch {
    return false;
  }
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
 * references in final states, and in the first-call records a claim stores (ExecutionEngine.firstCallTemplates,
 * which hold no trigger data otherwise); every read expands them, a takeover's claim included.
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
 * A forEach node's elements (docs/lists-and-subworkflows.md) under the same 1 MiB bound as a node's output: each output
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
      attemptErrors: record.attemptErrors,
      errorKind: record.errorKind,
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

/**
 * Replaces every credential value a run decrypted, in each of its encoded forms (encodedForms), in
 * text about to be stored or answered (docs/security.md): whatever a node or an outside service echoed
 * back, the record never holds a secret. The text is JSON, so each form is also looked for as JSON
 * escapes it (a token with a `"` echoed inside JSON by the target, then quoted in a node's error).
 */
export function scrubSecrets(text: string, secrets: ReadonlySet<string>): string {
  if (secrets.size === 0) return text;
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of encodedForms(secret)) {
      if (form.length < MIN_SECRET_LENGTH) continue;
      forms.add(form);
      forms.add(jsonEscaped(form));
    }
  }
  let out = text;
  // Longest first, so a form holding another (base64 of "Bearer <secret>") is replaced whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}


function truncated(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  const bytes = Buffer.byteLength(JSON.stringify(value));
  return bytes > MAX_STORED_VALUE_BYTES ? { truncated: true, bytes } : value;
}
