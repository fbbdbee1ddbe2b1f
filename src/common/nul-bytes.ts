import { AppError } from './app-error.js';

/**
 * PostgreSQL stores no NUL character, neither in text columns nor in jsonb (docs/security.md): input that
 * carries one is refused at the edge with 400, instead of failing its INSERT (a 500) or, worse, the
 * other rows of a batched insert. These checks work on the raw bytes where they can, so the webhook
 * hot path adds a native byte search, not a walk of the parsed value.
 */
export const NUL_IN_URL_MESSAGE = 'The URL contains a NUL character (%00), which is not accepted';
export const NUL_IN_BODY_MESSAGE = 'Request body contains a NUL character (\\u0000 or a zero byte), which is not accepted';

const NUL_ESCAPE = Buffer.from('\\u0000');
const BACKSLASH = 0x5c;

export const nulInUrl = (): AppError => new AppError('invalid', NUL_IN_URL_MESSAGE);
export const nulInBody = (): AppError => new AppError('invalid', NUL_IN_BODY_MESSAGE);

/** A path or query string (still percent-encoded) that decodes to a NUL somewhere. */
export function urlHasNul(url: string): boolean {
  return url.includes('%00') || url.includes('\0');
}

/** Raw bytes holding a zero byte: text and form bodies. */
export function bytesHaveNul(raw: Buffer): boolean {
  return raw.indexOf(0) !== -1;
}

/**
 * JSON text whose strings hold `\u0000`: an escape, not an escaped backslash followed by `u0000`
 * (an even run of backslashes before it). A raw zero byte is malformed JSON and fails the parser.
 */
export function jsonTextHasNul(raw: Buffer): boolean {
  for (let at = raw.indexOf(NUL_ESCAPE); at !== -1; at = raw.indexOf(NUL_ESCAPE, at + 1)) {
    let backslashes = 0;
    while (at - backslashes - 1 >= 0 && raw[at - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return true;
  }
  return false;
}

/**
 * A parsed value with a NUL in any string or key. For admin bodies, whatever charset they were sent
 * in; iterative, so any depth is safe (depth is bounded before this runs anyway).
 */
export function valueHasNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (item.includes('\0')) return true;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\0')) return true;
        stack.push(child);
      }
    }
  }
  return false;
}
