/**
 * Redaction, in one place (docs/security.md): the marker put where a secret was, the shortest value
 * treated as a secret, which headers carry secrets, and the encoded forms a secret takes once quoted
 * into text. Trigger data, node records, node outputs and errors, logs and spans all use these.
 */

/** What replaces a secret wherever it would have appeared. */
export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: replacing every "ab" would destroy data and protect nothing. */
export const MIN_SECRET_LENGTH = 4;

/** Headers that carry secrets by name; any header whose name mentions a signature, token, secret or API key does too. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);
const SECRET_HEADER_PATTERN = /signature|token|secret|api-?key|password/i;
const headerVerdicts = new Map<string, boolean>();

/** Whether a header's value is a secret. Header names repeat from request to request: each is judged once. */
export function isSecretHeader(name: string): boolean {
  let verdict = headerVerdicts.get(name);
  if (verdict === undefined) {
    verdict = SECRET_HEADERS.has(name.toLowerCase()) || SECRET_HEADER_PATTERN.test(name);
    if (headerVerdicts.size >= 1000) headerVerdicts.clear();
    headerVerdicts.set(name, verdict);
  }
  return verdict;
}

/** Headers that carry secrets (isSecretHeader) are kept out of trigger data, and so out of every record. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>, extraSecret: string[] = []): Record<string, string> {
  // Most webhooks name no extra header: no set built per request for them.
  const extra = extraSecret.length ? new Set(extraSecret.map((name) => name.toLowerCase())) : undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isSecretHeader(name) || extra?.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The forms a secret takes once quoted into text (docs/security.md): as is; JSON-escaped (a target that
 * echoes a token holding `"` or `\` inside JSON); URL-encoded by encodeURIComponent and as a form
 * field (`+` for space); base64, alone and as the `Bearer <secret>`, `Basic <secret>` and
 * `Basic base64(<secret>)` header values echoed back encoded; and the base64 characters that
 * encode only the secret (or its JSON-escaped form) inside any longer base64 text, at each of the
 * three byte alignments.
 * Computed once per secret: scrubbing runs on every stored record of a run with credentials.
 */
export function encodedForms(secret: string): readonly string[] {
  let forms = cache.get(secret);
  if (!forms) {
    const json = jsonEscaped(secret);
    // Base64 of the JSON-escaped form too: a JSON document holding the secret, then encoded.
    const all = new Set<string>([secret, json, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), ...base64Forms(secret), ...(json === secret ? [] : base64Forms(json))]);
    forms = [...all];
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(secret, forms);
  }
  return forms;
}

/** The text between the quotes of JSON.stringify(text). */
export function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const cache = new Map<string, readonly string[]>();
const CACHE_LIMIT = 1000;
/** Shorter runs of base64 would match unrelated data. */
const MIN_BASE64_CORE = 8;

function base64Forms(secret: string): string[] {
  const forms = [base64(secret), base64(`Bearer ${secret}`), base64(`Basic ${secret}`), base64(`Basic ${base64(secret)}`)];
  const bytes = Buffer.byteLength(secret);
  for (const shift of [0, 1, 2]) {
    // Base64 turns 3 bytes into 4 characters: the groups mixing the secret with what surrounds it
    // depend on those neighbours; the groups in between do not.
    const encoded = base64('\0'.repeat(shift) + secret);
    const core = encoded.slice(shift ? 4 : 0, (shift + bytes) % 3 ? encoded.length - 4 : encoded.length);
    if (core.length >= MIN_BASE64_CORE) forms.push(core);
  }
  return forms;
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
