let lastMs = Number.NaN;
let lastText = '';

/**
 * ISO-8601 text of a time in milliseconds, as `Date.prototype.toISOString` writes it. Each webhook
 * execution stamps about ten times, and V8's toISOString is slow; under load most stamps fall in
 * a millisecond already formatted, so the last one is kept.
 */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}
