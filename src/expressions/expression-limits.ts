/**
 * docs/expressions.md and docs/security.md: what one expression may build, and what a result must be. These bounds exist
 * because some failures cannot be caught: a string or array past V8's own limits aborts the whole
 * process (`Fatal JavaScript invalid size error`), worker threads included. So sizes are checked
 * before V8 gets there: after every step that builds a value, and inside the costly built-ins before
 * they allocate (bounded-built-ins.ts). docs/expressions.md lists them for users.
 */

/** Longest string an expression may build or hand to a string function, in UTF-16 code units (10 Mi). */
export const MAX_STRING_LENGTH = 10 * 1024 * 1024;
/** Most elements of an array or sequence an expression builds (the same as JSONata's sequence bound). */
export const MAX_ARRAY_LENGTH = 100_000;
/** Largest value an expression may build, estimated as its JSON text (32 Mi characters). */
export const MAX_VALUE_SIZE = 32 * 1024 * 1024;
/**
 * Longest string a regular expression runs on (1 Mi characters). RE2 is linear, but linear in a
 * 16 MB body is a quarter of a second for one match attempt, which no check between steps can cut short.
 */
export const MAX_REGEX_INPUT = 1024 * 1024;

/** A bound was hit: the message is the whole reason shown in the node's error. */
export class ExpressionLimitError extends Error {}

/** A result that is not plain JSON (a cycle): the evaluator reports it against the parameter. */
export class NotPlainJsonError extends Error {}

/** Structures deeper than this are not walked for their size: the size of what was seen counts. */
const MAX_WALK_DEPTH = 500;
/** Estimated sizes of objects seen before, so that building a value out of parts costs its parts once. */
const knownSizes = new WeakMap<object, { entries: number; size: number }>();

/**
 * The size of a value as JSON text, roughly (strings by length, other scalars a few characters),
 * stopping as soon as it passes `limit`. Arrays and objects are remembered with their entry count:
 * JSONata builds sequences by pushing into them, so a remembered size only counts while the count
 * is the same. A value reached again through a cycle counts nothing here; the copy refuses it.
 */
export function estimatedSize(value: unknown, limit = MAX_VALUE_SIZE): number {
  return measure(value, limit, 0, new Set());
}

function measure(value: unknown, limit: number, depth: number, visiting: Set<object>): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return 6;
  if (isJsonataFunction(value) || visiting.has(value) || depth > MAX_WALK_DEPTH) return 6;
  const array = Array.isArray(value);
  const entries = array ? value.length : Object.keys(value).length;
  const known = knownSizes.get(value);
  if (known && known.entries === entries) return known.size;
  visiting.add(value);
  let size = 2;
  try {
    if (array) {
      for (let i = 0; i < value.length && size <= limit; i++) size += 1 + measure(value[i], limit - size, depth + 1, visiting);
    } else {
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        size += key.length + 4 + measure((value as Record<string, unknown>)[key], limit - size, depth + 1, visiting);
        if (size > limit) break;
      }
    }
  } finally {
    visiting.delete(value);
  }
  if (size <= limit) knownSizes.set(value, { entries, size });
  return size;
}

/** JSONata's lambdas and built-ins are objects holding their environment: code, not data. */
function isJsonataFunction(value: object): boolean {
  return (value as { _jsonata_lambda?: boolean })._jsonata_lambda === true || (value as { _jsonata_function?: boolean })._jsonata_function === true;
}

/**
 * Refuses a value built by an expression step when it passes a bound. Cheap for scalars; objects
 * are measured once (estimatedSize remembers them).
 */
export function checkBuilt(value: unknown): void {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_LENGTH) throw new ExpressionLimitError(`expression built a string longer than ${MAX_STRING_LENGTH} characters`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value) && value.length > MAX_ARRAY_LENGTH) throw new ExpressionLimitError(`expression built an array of more than ${MAX_ARRAY_LENGTH} elements`);
  if (estimatedSize(value) > MAX_VALUE_SIZE) throw new ExpressionLimitError(`expression built a value larger than ${MAX_VALUE_SIZE} characters as JSON`);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Characters as JSONata counts them (code points), without the array JSONata's own `$length` builds. */
export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/**
 * A plain JSON copy of an expression's result, as `JSON.parse(JSON.stringify(value))` would give,
 * except that a cycle is refused with NotPlainJsonError instead of a TypeError deep in storage: JSONata
 * sequences become plain arrays, functions and `undefined` become `null` in arrays and disappear from
 * objects, non-finite numbers become `null`. Results are stored and handed to later nodes, which
 * must never hold a live object (`$node` contains the outputs, and so itself once stored).
 */
export function plainJsonCopy(value: unknown): unknown {
  return copy(value, new Set()) ?? null;
}

function copy(value: unknown, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      return undefined; // functions, undefined, symbols, bigint: not JSON
  }
  if (value === null) return null;
  if (isJsonataFunction(value)) return undefined;
  if (ancestors.has(value)) throw new NotPlainJsonError('result is not plain JSON (circular)');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, ancestors) ?? null);
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const item = copy((value as Record<string, unknown>)[key], ancestors);
      // defineProperty: a key named __proto__ stays an ordinary key, as JSON.parse keeps it.
      if (item !== undefined) Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
