import jsonata from 'jsonata';
import type { Pacing } from './evaluation-scheduler.js';
import { MAX_EXPRESSION_BYTES } from './template.js';
import {
  codePointLength,
  estimatedSize,
  ExpressionLimitError,
  MAX_ARRAY_LENGTH,
  MAX_REGEX_INPUT,
  MAX_STRING_LENGTH,
} from './expression-limits.js';

/**
 * JSONata's built-ins replaced by bounded ones (docs/security.md: bounded "inside every built-in, not only
 * between steps"). One built-in call is one evaluation step, so the checks between steps cannot cut
 * it short: each costly one checks the size of what it would build BEFORE building it, refuses
 * inputs whose mere scan would hold the event loop too long, and reports long loops to the budget.
 * The rest of JSONata's library works on values already bounded by the step checks.
 */

type Implementation = (this: unknown, ...args: unknown[]) => unknown;
interface BuiltIn {
  implementation: Implementation;
  signature: { definition: string };
}


/** JSONata's own implementation of a built-in, taken from a JSONata evaluation once. */
const originals = new Map<string, BuiltIn>();
const WRAPPED = ['length', 'substring', 'pad', 'join', 'string', 'replace', 'split', 'match', 'contains', 'base64encode', 'formatNumber', 'formatInteger', 'append', 'eval'];
for (const name of WRAPPED) originals.set(name, (await jsonata(`$${name}`).evaluate({})) as BuiltIn);

const limit = (reason: string) => new ExpressionLimitError(reason);

function checkString(name: string, text: unknown, max = MAX_STRING_LENGTH): void {
  if (typeof text === 'string' && text.length > max) throw limit(`$${name} accepts strings of at most ${max} characters`);
}

/** Registers the bounded built-ins on one compiled expression. */
export function registerBoundedBuiltIns(expression: jsonata.Expression, pacing: Pacing): void {
  const charge = (units: number) => pacing.charge(units);
  const register = (name: string, implementation: Implementation) => expression.registerFunction(name, implementation as never, originals.get(name)!.signature.definition);
  const original = (name: string) => originals.get(name)!.implementation;

  // JSONata's $length and $substring turn the string into an array of characters first.
  register('length', (text) => (text === undefined ? undefined : codePointLength(text as string)));
  register('substring', function (this: unknown, text, start, length) {
    if (typeof text !== 'string') return original('substring').call(this, text, start, length);
    // Without surrogate pairs, code points are UTF-16 units and String#slice has Array#slice's semantics.
    if (codePointLength(text) === text.length) return substringOfUnits(text, start as number, length as number | undefined);
    checkString('substring', text, MAX_REGEX_INPUT);
    charge(text.length);
    return original('substring').call(this, text, start, length);
  });
  register('pad', boundedPad);
  register('join', function (this: unknown, strings, separator) {
    const list = Array.isArray(strings) ? (strings as string[]) : [strings as string];
    let total = Math.max(0, list.length - 1) * (typeof separator === 'string' ? separator.length : 0);
    for (const item of list) total += typeof item === 'string' ? item.length : 0;
    if (total > MAX_STRING_LENGTH) throw limit(`$join would build a string longer than ${MAX_STRING_LENGTH} characters`);
    return original('join').call(this, strings, separator);
  });
  register('string', function (this: unknown, value, prettify) {
    if (typeof value === 'object' && value !== null && estimatedSize(value, MAX_STRING_LENGTH) > MAX_STRING_LENGTH / (prettify ? 2 : 1)) {
      throw limit(`$string would build a string longer than ${MAX_STRING_LENGTH} characters`);
    }
    return original('string').call(this, value, prettify);
  });
  register('replace', function (this: unknown, text, pattern, replacement, most) {
    regexInput('replace', text, pattern);
    if (typeof text === 'string' && typeof pattern === 'string' && pattern !== '' && typeof replacement === 'string') {
      const count = occurrences(text, pattern, most as number | undefined, charge, Number.POSITIVE_INFINITY);
      if (text.length + count * (replacement.length - pattern.length) > MAX_STRING_LENGTH) throw limit(`$replace would build a string longer than ${MAX_STRING_LENGTH} characters`);
      // Native and linear; JSONata's loop over the same occurrences costs a JavaScript round per match.
      if (most === undefined) return text.replaceAll(pattern, replacement.replaceAll('$', '$$$$'));
    }
    return original('replace').call(this, text, paced(pattern, pacing), replacement, most);
  });
  register('split', function (this: unknown, text, separator, most) {
    regexInput('split', text, separator);
    if (typeof text === 'string' && typeof separator === 'string') {
      const pieces = separator === '' ? text.length : occurrences(text, separator, undefined, charge, MAX_ARRAY_LENGTH) + 1;
      if (Math.min(pieces, typeof most === 'number' ? most : pieces) > MAX_ARRAY_LENGTH) throw limit(`$split would build an array of more than ${MAX_ARRAY_LENGTH} elements`);
    }
    return original('split').call(this, text, paced(separator, pacing), most);
  });
  register('match', function (this: unknown, text, pattern, most) {
    regexInput('match', text, pattern);
    return original('match').call(this, text, paced(pattern, pacing), most);
  });
  register('contains', function (this: unknown, text, pattern) {
    regexInput('contains', text, pattern);
    return original('contains').call(this, text, pattern);
  });
  register('base64encode', function (this: unknown, text) {
    checkString('base64encode', text, Math.floor((MAX_STRING_LENGTH / 4) * 3));
    return original('base64encode').call(this, text);
  });
  // Pictures are parsed character by character into arrays; a picture is a format, not data.
  register('formatNumber', function (this: unknown, value, picture, options) {
    checkString('formatNumber', picture, MAX_EXPRESSION_BYTES);
    return original('formatNumber').call(this, value, picture, options);
  });
  register('formatInteger', function (this: unknown, value, picture) {
    checkString('formatInteger', picture, MAX_EXPRESSION_BYTES);
    return original('formatInteger').call(this, value, picture);
  });
  register('append', function (this: unknown, first, second) {
    const count = (value: unknown) => (Array.isArray(value) ? value.length : value === undefined ? 0 : 1);
    if (count(first) + count(second) > MAX_ARRAY_LENGTH) throw limit(`$append would build an array of more than ${MAX_ARRAY_LENGTH} elements`);
    return original('append').call(this, first, second);
  });
  // Source evaluated at run time (possibly outside data) has the same bound as source in a workflow.
  register('eval', function (this: unknown, source, context) {
    if (typeof source === 'string' && Buffer.byteLength(source) > MAX_EXPRESSION_BYTES) throw limit(`$eval accepts expressions of at most ${MAX_EXPRESSION_BYTES} bytes`);
    return original('eval').call(this, source, context);
  });
}

/** A regular expression (JSONata passes it as a function) runs only on strings it can scan quickly. */
function regexInput(name: string, text: unknown, pattern: unknown): void {
  if (typeof pattern === 'function') checkString(name, text, MAX_REGEX_INPUT);
  else checkString(name, text);
}

interface MatchResult {
  next?: () => unknown;
}

/**
 * A regular expression (JSONata hands it over as a matcher function) whose successive matches may
 * wait for a turn of the event loop: JSONata awaits each `next()`, so `$replace` over a body with
 * a million matches lets other requests run every few milliseconds instead of holding the loop
 * until its budget ends. Anything else passes through unchanged.
 */
function paced(pattern: unknown, pacing: Pacing): unknown {
  if (typeof pattern !== 'function') return pattern;
  // JSONata hands function arguments over wrapped, answering with a promise: await them all.
  const withPacedNext = (result: MatchResult | undefined): MatchResult | undefined => {
    if (!result || typeof result.next !== 'function') return result;
    const next = result.next;
    result.next = async () => {
      const paused = pacing.pause();
      if (paused) await paused;
      return withPacedNext((await next()) as MatchResult | undefined);
    };
    return result;
  };
  return async function (this: unknown, text: string) {
    return withPacedNext(await (pattern as (this: unknown, text: string) => Promise<MatchResult | undefined>).call(this, text));
  };
}

/** Occurrences of `pattern` in `text` (at most `most`), stopping past `stopAfter`; long scans are charged. */
function occurrences(text: string, pattern: string, most: number | undefined, charge: (units: number) => void, stopAfter: number): number {
  let count = 0;
  let index = text.indexOf(pattern);
  while (index !== -1 && (most === undefined || count < most) && count <= stopAfter) {
    count++;
    if (count % 4096 === 0) charge(4096);
    index = text.indexOf(pattern, index + pattern.length);
  }
  return count;
}

/** JSONata's `$substring` on a string without surrogate pairs (negative start counts from the end). */
function substringOfUnits(text: string, start: number, length: number | undefined): string {
  if (text.length + start < 0) start = 0;
  if (length === undefined) return text.slice(start);
  if (length <= 0) return '';
  const end = start >= 0 ? start + length : text.length + start + length;
  return text.slice(start, end);
}

/** `$pad(str, width, char?)`: positive width pads on the right, negative on the left (JSONata's semantics). */
function boundedPad(text: unknown, width: unknown, char?: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const w = width as number;
  if (!Number.isFinite(w) || Math.abs(w) > MAX_STRING_LENGTH) throw limit(`$pad width must be at most ${MAX_STRING_LENGTH}`);
  checkString('pad', text);
  const fill = typeof char !== 'string' || char === '' ? ' ' : char;
  checkString('pad', fill, MAX_EXPRESSION_BYTES);
  const missing = Math.abs(Math.trunc(w)) - codePointLength(text);
  if (missing <= 0) return text;
  const fillLength = codePointLength(fill);
  // Whole fills, then the first code points of one more: no array of characters as long as the padding.
  const padding = fill.repeat(Math.floor(missing / fillLength)) + [...fill].slice(0, missing % fillLength).join('');
  return w > 0 ? text + padding : padding + text;
}
