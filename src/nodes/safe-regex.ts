import { RE2JS } from 're2js';

/** Compiled patterns, shared: workflows reuse the same few patterns on every run. */
const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 1000;

/**
 * Patterns written in workflows run against outside data, so they use RE2 semantics (linear time,
 * no backreferences or lookaround): no input can make matching backtrack catastrophically (docs/security.md).
 */
export function compileSafeRegex(pattern: string): RE2JS {
  let compiled = cache.get(pattern);
  if (!compiled) {
    const flagged = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
    const source = flagged ? flagged[1] : pattern;
    const flags = flagged?.[2] ?? '';
    compiled = RE2JS.compile(source, (flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes('m') ? RE2JS.MULTILINE : 0) | (flags.includes('s') ? RE2JS.DOTALL : 0));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** Throws with the reason when the pattern is not valid RE2 syntax. */
export function checkSafeRegex(pattern: string): void {
  compileSafeRegex(pattern);
}
