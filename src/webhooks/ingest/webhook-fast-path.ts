import { context as otelContext, type Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger as PinoLogger } from 'pino';
import { payloadTooLarge, toErrorAnswer, type ErrorAnswer } from '../../common/http-exception.filter.js';
import { nulInUrl, urlHasNul } from '../../common/nul-bytes.js';
import { chooseRequestId, logRequest } from '../../logging/logger-options.js';
import type { MetricsService } from '../../metrics/metrics.service.js';
import { endIngestSpan, startIngestSpan } from '../../tracing/spans.js';
import { tracer } from '../../tracing/tracing.js';
import type { WebhookAnswer, WebhookIngestService } from './webhook-ingest.service.js';

const HANDLER_PREFIX = '/webhook/handler/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JSON_TYPE = 'application/json; charset=utf-8';

export interface WebhookFastPathOptions {
  ingest: WebhookIngestService;
  metrics: MetricsService;
  logger: PinoLogger;
  maxBodyBytes: number;
  /** Headers every answer carries, lower-case (helmet's and WEBHOOK_ANSWER_HEADERS, computed once at start-up). */
  staticHeaders: Record<string, string>;
}

/**
 * Serves `/webhook/handler/:id` straight from node:http, ahead of Express and Nest, through the
 * same WebhookIngestService, error answers, security headers, request log and metrics. The
 * framework's per-request work (router, middleware chain, guards, pipes, pino-http's child logger)
 * cost more than the ingest itself (bench/README.md has the profiles). Returns false for
 * anything it does not handle exactly like Express would — an id that is not a UUID, a trailing
 * path, a compressed body — and Express takes those (WebhookHandlerController, also in Swagger).
 */
export function createWebhookFastPath(options: WebhookFastPathOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    const url = request.url ?? '';
    if (!url.startsWith(HANDLER_PREFIX)) return false;
    const queryAt = url.indexOf('?');
    const id = url.slice(HANDLER_PREFIX.length, queryAt < 0 ? undefined : queryAt);
    if (!UUID.test(id)) return false;
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    receive(options, request, response, id, queryAt < 0 ? '' : url.slice(queryAt + 1));
    return true;
  };
}

function receive(options: WebhookFastPathOptions, request: IncomingMessage, response: ServerResponse, webhookId: string, query: string): void {
  const startedAt = Date.now();
  const requestId = chooseRequestId(request.headers['x-request-id']);
  const traced = tracer ? startIngestSpan(request.method ?? 'GET', webhookId, request.headers) : undefined;
  const failed = (error: unknown) => asAnswer(toErrorAnswer(error, { method: request.method ?? 'GET', path: pathOf(request), requestId }, errorLogger(options.logger)));
  const reply = (answer: WebhookAnswer) => {
    try {
      send(options, request, response, answer, requestId, startedAt, traced?.span);
    } catch (error) {
      // A header a respondToWebhook node set that HTTP cannot carry: a 500 like Express gives.
      if (!response.headersSent) send(options, request, response, failed(error), requestId, startedAt, traced?.span);
    }
  };
  // Answered with Connection: close, so the rest of an oversized body is never read.
  const tooLarge = () => reply({ ...asAnswer(payloadTooLarge()), headers: { connection: 'close' } });

  if (urlHasNul(query)) {
    reply(failed(nulInUrl()));
    return;
  }
  if (Number(request.headers['content-length']) > options.maxBodyBytes) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  // A sender that hangs up mid-body gets no answer and leaves nothing behind.
  request.on('error', () => undefined);
  request.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > options.maxBodyBytes) {
      refused = true;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (refused) return;
    const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    const incoming = { webhookId, method: request.method ?? 'GET', raw, headers: request.headers, query: parseQuery(query) };
    // Traced: the ingest (and a pure workflow's run before its commit) happen inside the server span.
    const answered = traced ? otelContext.with(traced.context, () => options.ingest.ingest(incoming)) : options.ingest.ingest(incoming);
    answered.then(reply, (error: unknown) => reply(failed(error)));
  });
}

/** Writes the answer as Express's `res.json` would (without an ETag, which no webhook sender uses). */
function send(options: WebhookFastPathOptions, request: IncomingMessage, response: ServerResponse, answer: WebhookAnswer, requestId: string, startedAt: number, span?: Span): void {
  if (response.headersSent || response.destroyed) {
    span?.end();
    return;
  }
  const headers: Record<string, string> = { ...options.staticHeaders, 'x-request-id': requestId };
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
  let body = '';
  // As Express: no body, so no type, for 204 and 304.
  if (answer.status === 204 || answer.status === 304) delete headers['content-type'];
  else {
    body = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    headers['content-type'] ??= JSON_TYPE;
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  response.writeHead(answer.status, headers);
  response.end(body);
  if (span) endIngestSpan(span, answer.status);
  options.metrics.webhookAnswered(answer.status);
  logRequest(options.logger, request, response, requestId, startedAt);
}

function asAnswer({ body, headers }: ErrorAnswer): WebhookAnswer {
  return { status: body.statusCode, body, headers };
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?', 1)[0];
}

/** The Nest logger's (message, stack) signature, written through pino. */
function errorLogger(logger: PinoLogger) {
  return { error: (message: unknown, stack?: unknown) => logger.error({ context: 'HttpExceptionFilter', stack }, String(message)) };
}
