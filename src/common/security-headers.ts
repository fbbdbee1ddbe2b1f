/**
 * Response headers that keep content chosen by workflows (written by members) from acting on this
 * origin (docs/security.md).
 */

/**
 * Every answer on `/webhook/*`: the page is an opaque origin (no script of it reaches our storage,
 * cookies or same-origin API), and its type is what it says it is.
 */
export const WEBHOOK_ANSWER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': 'sandbox',
  'x-content-type-options': 'nosniff',
});

/**
 * Swagger UI (`/docs`): its own script, stylesheet and images only; the bundle sets inline style
 * attributes and draws icons from data: URLs, nothing else inline.
 */
export const SWAGGER_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers a respondToWebhook node may not set: the server's security headers (a workflow must not
 * remove or weaken them) and cookies (an answer never sets state on our origin). Refused when the
 * workflow is saved and when the node runs.
 */
const RESERVED_ANSWER_HEADERS = new Set([
  'content-security-policy',
  'content-security-policy-report-only',
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'referrer-policy',
  'permissions-policy',
  'feature-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'clear-site-data',
  'set-cookie',
  'set-cookie2',
]);

/**
 * How the answer is framed on the connection: the server writes the body it serialises with its own
 * Content-Length, so a node's values would contradict it. Dropped silently (they change nothing a
 * caller could want).
 */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

/** Why a workflow may not set this answer header, or undefined when it may. */
export function reservedAnswerHeader(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (!RESERVED_ANSWER_HEADERS.has(lower)) return undefined;
  return lower.startsWith('set-cookie') ? 'a webhook answer cannot set cookies' : 'the server sets this security header on every webhook answer (docs/security.md)';
}

/**
 * The headers of a respondToWebhook answer as they go out: reserved and framing ones dropped. The
 * node already refuses reserved ones; this also holds for answers stored before that rule.
 */
export function allowedAnswerHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!RESERVED_ANSWER_HEADERS.has(lower) && !FRAMING_HEADERS.has(lower)) kept[name] = value;
  }
  return kept;
}
