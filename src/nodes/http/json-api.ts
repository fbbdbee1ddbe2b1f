import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { traceClientCall } from '../../tracing/spans.js';
import { tracer } from '../../tracing/tracing.js';
import { displayUrl } from './guarded-http-client.js';
import { readLimited } from './response-body.js';

/**
 * Calls to the APIs the service itself is configured for (Resend, Telegram). Their base URLs are
 * operator configuration, not workflow input, so the SSRF guard does not apply (tests point them at
 * 127.0.0.1); the engine's signal still aborts them.
 */
export interface JsonApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or null when the body is not JSON. */
  json: unknown;
  text: string;
}

/** Idle timeouts per call; the node's own timeout (via the signal) bounds the whole. */
const CALL_TIMEOUT_MS = 30_000;
/** Answers of these APIs are small; anything bigger is not one of theirs. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * POSTs JSON and reads the JSON answer. Traced as a CLIENT span when tracing is on, under
 * `shownUrl` when the URL itself holds a secret (the Telegram bot token in its path).
 */
export function postJson(url: string, headers: Record<string, string>, payload: unknown, signal: AbortSignal, shownUrl?: string): Promise<JsonApiResponse> {
  if (!tracer) return post(url, headers, payload, signal);
  const target = new URL(url);
  return traceClientCall('POST', target, shownUrl ?? displayUrl(target), undefined, () => post(url, headers, payload, signal));
}

async function post(url: string, headers: Record<string, string>, payload: unknown, signal: AbortSignal): Promise<JsonApiResponse> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(payload),
    signal,
    headersTimeout: CALL_TIMEOUT_MS,
    bodyTimeout: CALL_TIMEOUT_MS,
  });
  const text = (await readLimited(response.body, MAX_ANSWER_BYTES, response.headers['content-length'])).toString('utf8');
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.statusCode, headers: response.headers, json, text };
}

/** Extra tries inside one node attempt for rate limits and outages; beyond them the node's retryOnFail takes over. */
export const EXTRA_TRIES = 2;
/** Longest wait honoured inside a node; a longer Retry-After fails the try instead of holding a worker. */
export const MAX_INTERNAL_WAIT_MS = 30_000;

/** `Retry-After` as delta-seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.ceil(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** Waits, or throws the signal's reason as soon as the engine aborts the node. */
export async function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw signal.reason instanceof Error ? signal.reason : new Error('Aborted');
  }
}
