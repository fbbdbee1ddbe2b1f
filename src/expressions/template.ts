import jsonata from 'jsonata';

/** docs/workflows.md: expression source is limited to 10 KB. */
export const MAX_EXPRESSION_BYTES = 10 * 1024;

/** A plain path such as `$trigger.body.email` or `` $node.`Check score`.output ``, read without JSONata. */
export interface SimplePath {
  /** The bound variable it starts from; null: a bare path, which navigates `$json`. */
  variable: string | null;
  keys: string[];
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'expression'; source: string; compiled: jsonata.Expression; path: SimplePath | null };

/** A parameter string, parsed once: literal text and compiled `{{ … }}` expressions. */
export interface CompiledTemplate {
  parts: TemplatePart[];
  /** The whole string is one `{{ … }}`: its result keeps its JSON type (docs/expressions.md). */
  whole: boolean;
}

export class ExpressionSyntaxError extends Error {}

/**
 * Splits a string into text and `{{ … }}` segments. The closing `}}` is found outside JSONata
 * string literals and object constructors, so `{{ {"a": {"b": 1}} }}` parses as one expression.
 */
export function splitTemplate(source: string): Array<{ kind: 'text'; text: string } | { kind: 'expression'; source: string }> {
  const parts: Array<{ kind: 'text'; text: string } | { kind: 'expression'; source: string }> = [];
  let cursor = 0;
  while (cursor < source.length) {
    const open = source.indexOf('{{', cursor);
    if (open === -1) break;
    if (open > cursor) parts.push({ kind: 'text', text: source.slice(cursor, open) });
    const close = findClose(source, open + 2);
    if (close === -1) throw new ExpressionSyntaxError('"{{" is never closed by "}}"');
    parts.push({ kind: 'expression', source: source.slice(open + 2, close).trim() });
    cursor = close + 2;
  }
  if (cursor < source.length) parts.push({ kind: 'text', text: source.slice(cursor) });
  return parts;
}

function findClose(source: string, from: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < source.length; i++) {
    const char = source[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if (char === '{') depth++;
    else if (char === '}') {
      if (depth > 0) depth--;
      else if (source[i + 1] === '}') return i;
    }
  }
  return -1;
}

/** Compiles every expression of a string; throws ExpressionSyntaxError with JSONata's reason. */
export function compileTemplate(source: string, compile: (expression: string) => jsonata.Expression = (expression) => jsonata(expression)): CompiledTemplate {
  const split = splitTemplate(source);
  const parts: TemplatePart[] = split.map((part) => {
    if (part.kind === 'text') return part;
    if (Buffer.byteLength(part.source) > MAX_EXPRESSION_BYTES) throw new ExpressionSyntaxError(`expression is longer than ${MAX_EXPRESSION_BYTES} bytes`);
    if (part.source === '') throw new ExpressionSyntaxError('empty expression "{{ }}"');
    try {
      return { kind: 'expression', source: part.source, compiled: compile(part.source), path: simplePath(part.source) };
    } catch (error) {
      const reason = (error as { message?: string }).message ?? String(error);
      throw new ExpressionSyntaxError(reason);
    }
  });
  const whole = parts.length === 1 && parts[0].kind === 'expression';
  return { parts, whole };
}

export const hasExpression = (value: string): boolean => value.includes('{{');

const SEGMENT = /^(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)/;

/** Recognises a chain of names joined by dots (optionally starting with a `$variable`); else null. */
export function simplePath(source: string): SimplePath | null {
  let rest = source;
  let variable: string | null = null;
  const bound = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (bound) {
    variable = bound[1];
    rest = rest.slice(bound[0].length);
  } else {
    const first = SEGMENT.exec(rest);
    // Bare names that are JSONata keywords or literals are not paths.
    if (!first || ['true', 'false', 'null', 'and', 'or', 'in'].includes(first[1])) return null;
  }
  const keys: string[] = [];
  if (!variable) {
    const first = SEGMENT.exec(rest)!;
    keys.push(first[1] ?? first[2]);
    rest = rest.slice(first[0].length);
  }
  while (rest.length) {
    if (rest[0] !== '.') return null;
    const next = SEGMENT.exec(rest.slice(1));
    if (!next) return null;
    keys.push(next[1] ?? next[2]);
    rest = rest.slice(1 + next[0].length);
  }
  return { variable, keys };
}
