import { RE2JS } from 're2js';

/** Subtrees of a JSON Schema that hold data, not schema: a `pattern` key in them is no regex. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/** Every regular expression of a JSON Schema (`pattern` values, `patternProperties` keys), with where it is. */
export function schemaPatterns(schema: unknown, path = 'schema'): Array<{ path: string; pattern: string }> {
  const found: Array<{ path: string; pattern: string }> = [];
  const walk = (value: unknown, at: string, depth: number) => {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, `${at}[${index}]`, depth + 1));
    for (const [key, child] of Object.entries(value)) {
      if (DATA_KEYWORDS.has(key)) continue;
      if (key === 'pattern' && typeof child === 'string') found.push({ path: `${at}.pattern`, pattern: child });
      if (key === 'patternProperties' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
        for (const pattern of Object.keys(child)) found.push({ path: `${at}.patternProperties`, pattern });
      }
      walk(child, `${at}.${key}`, depth + 1);
    }
  };
  walk(schema, path, 0);
  return found;
}

/** Save-time check (docs/security.md): a schema pattern RE2 cannot run (lookaround, backreferences) is refused. */
export function schemaPatternErrors(schema: unknown): string[] {
  const errors: string[] = [];
  for (const { path, pattern } of schemaPatterns(schema)) {
    try {
      compiled(pattern);
    } catch (error) {
      errors.push(`parameter "${path}": pattern ${JSON.stringify(pattern)} is not supported (linear-time RE2 syntax only): ${(error as Error).message}`);
    }
  }
  return errors;
}

/**
 * Runs `validate` (synchronous: a JSON-Schema validation) with `new RegExp` answered by RE2, which
 * matches in linear time. @cfworker/json-schema builds `new RegExp(pattern, 'u')` for `pattern` and
 * `patternProperties` and offers no hook for another engine; on backtracking RegExp, a pattern such
 * as `^(a+)+$` and a request body of 31 `a`s and a `!` blocked the event loop for 11 s. Nothing else
 * can run while `validate` does, so the global is swapped for exactly that call and put back.
 */
export function withLinearRegExp<T>(validate: () => T): T {
  const original = globalThis.RegExp;
  globalThis.RegExp = LinearRegExp as unknown as RegExpConstructor;
  try {
    return validate();
  } finally {
    globalThis.RegExp = original;
  }
}

/** The part of RegExp the validator uses: `new RegExp(source, flags).test(text)`, never stateful. */
class LinearRegExp {
  private readonly pattern: RE2JS;

  constructor(source: string) {
    this.pattern = compiled(String(source));
  }

  test(text: unknown): boolean {
    return this.pattern.matcher(String(text)).find();
  }
}

const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 1000;

function compiled(source: string): RE2JS {
  let pattern = cache.get(source);
  if (!pattern) {
    pattern = RE2JS.compile(source);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(source, pattern);
  }
  return pattern;
}
