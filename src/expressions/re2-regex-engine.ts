import { RE2JS } from 're2js';

/**
 * JSONata's `RegexEngine` option with RE2 semantics: `$match`, `$replace`, `$split` and `$contains`
 * run regular expressions written in workflows against outside data, and RE2 matches in linear
 * time, so no input can make them backtrack catastrophically (docs/security.md). Patterns RE2 does not
 * support (backreferences, lookaround) fail the expression with RE2's reason.
 */
export class Re2RegexEngine {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(source: RegExp | string, flags = '') {
    const text = typeof source === 'string' ? source : source.source;
    const allFlags = typeof source === 'string' ? flags : source.flags;
    this.pattern = compiled(text, (allFlags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (allFlags.includes('m') ? RE2JS.MULTILINE : 0));
  }

  /** The subset of RegExp#exec JSONata relies on: match, groups, index, and lastIndex advancing. */
  exec(text: string): RegExpExecArray | null {
    if (this.lastIndex > text.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.pattern.matcher(text);
    if (!matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: Array<string | undefined> = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input: text }) as unknown as RegExpExecArray;
    this.lastIndex = matcher.end();
    return result;
  }

  test(text: string): boolean {
    return this.exec(text) !== null;
  }
}

/** JSONata builds a regex object per evaluation; compiling RE2 each time would dominate the cost. */
const cache = new Map<string, RE2JS>();
const CACHE_LIMIT = 1000;

function compiled(text: string, flags: number): RE2JS {
  const key = `${flags}/${text}`;
  let pattern = cache.get(key);
  if (!pattern) {
    pattern = RE2JS.compile(text, flags);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, pattern);
  }
  return pattern;
}
