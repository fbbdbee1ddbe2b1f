import { AppError } from '../../common/app-error.js';
import { isoTime } from '../../common/iso-time.js';
import { exceedsJsonDepth, TOO_DEEP_MESSAGE } from '../../common/json-depth.js';
import { bytesHaveNul, jsonTextHasNul, nulInBody } from '../../common/nul-bytes.js';
import type { TriggerData } from '../../executions/execution.types.js';
import { redactHeaders } from '../../common/redaction.js';

/**
 * Parses the body by its real Content-Type (docs/webhooks.md): JSON, urlencoded forms and text as such;
 * anything else is kept as base64 text so no byte is lost.
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return {};
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    if (jsonTextHasNul(raw)) throw nulInBody();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('invalid', 'Malformed JSON in request body');
    }
    if (exceedsJsonDepth(parsed)) throw new AppError('invalid', TOO_DEEP_MESSAGE);
    return parsed;
  }
  if (type === 'application/x-www-form-urlencoded') {
    if (bytesHaveNul(raw) || raw.includes('%00')) throw nulInBody();
    return formToObject(new URLSearchParams(raw.toString('utf8')));
  }
  if (type.startsWith('text/')) {
    if (bytesHaveNul(raw)) throw nulInBody();
    return raw.toString('utf8');
  }
  return { contentType: type || 'application/octet-stream', encoding: 'base64', data: raw.toString('base64') };
}

/** Repeated keys become arrays, as most form tools expect. */
function formToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return { ...out };
}

/** `secretHeaders`: headers the webhook's authentication read a secret from (e.g. a custom token header). */
export function buildTriggerData(
  method: string,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  query: Record<string, unknown>,
  secretHeaders: string[] = [],
): TriggerData {
  return { body, headers: redactHeaders(headers, secretHeaders), query: { ...query }, method, receivedAt: isoTime(Date.now()) };
}
