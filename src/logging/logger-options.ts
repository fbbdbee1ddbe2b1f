import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger, type LoggerOptions } from 'pino';
import { pinoHttp, type HttpLogger, type Options as HttpOptions } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';
import { activeTraceIds, tracer } from '../tracing/tracing.js';
import { isSecretHeader, REDACTED } from '../common/redaction.js';

/** An incoming X-Request-Id is kept only when it looks like an id, never when it could forge a log line. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Headers worth seeing in a request log. A list of what to keep rather than what to drop: webhook
 * authentication reads secrets from headers of any name (docs/webhooks.md), so no deny-list can be complete.
 */
const LOGGED_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-request-id'];

/** Keys that always hold secrets, wherever they appear in a logged object (docs/security.md field names). */
const SECRET_KEYS = new Set(['apikey', 'bottoken', 'password', 'secret', 'token']);
/** Keys that hold secrets inside credential data (`value` of an httpHeaderAuth credential). */
const CREDENTIAL_KEYS = new Set(['value']);
const CREDENTIAL_PARENTS = new Set(['data', 'credential', 'credentials', 'credentialdata']);
const MAX_SCRUB_DEPTH = 6;

/**
 * Replaces secrets in an object the application logs, copying only what changes (the caller's
 * object is never touched). Runs once per line actually written, unlike pino's `redact`, which would
 * also run on every request's child logger and cost the webhook path more than the whole log does.
 */
export function scrubSecrets(value: unknown, parentKey = '', depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_SCRUB_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const scrubbed = scrubSecrets(item, parentKey, depth + 1);
      if (scrubbed !== item) (copy ??= [...value])[index] = scrubbed;
    });
    return copy ?? value;
  }
  // Errors, Buffers, Dates and the like keep their own serializers.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const parent = parentKey.toLowerCase();
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const secret =
      SECRET_KEYS.has(lower) || (CREDENTIAL_KEYS.has(lower) && CREDENTIAL_PARENTS.has(parent)) || (parent === 'headers' && isSecretHeader(key));
    const scrubbed = secret && item !== undefined && item !== null ? REDACTED : scrubSecrets(item, key, depth + 1);
    if (scrubbed !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = scrubbed;
  }
  return copy ?? value;
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
}

/** Path only (query strings can carry secrets) with resume tokens, which are capabilities, masked. */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0];
  return path.replace(/^\/webhook\/resume\/[^/]+/, `/webhook/resume/${REDACTED}`);
}

function serializeRequest(request: SerializedRequest) {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS) if (request.headers?.[name] !== undefined) headers[name] = request.headers[name];
  return { id: request.id, method: request.method, url: loggablePath(request.url), headers, remoteAddress: request.remoteAddress };
}

/** 2xx and 3xx at debug: logging every webhook at info would cost the ingest path dearly (bench/README.md). */
export function requestLogLevel(_request: IncomingMessage, response: ServerResponse, error?: Error): LevelWithSilent {
  if (error || response.statusCode >= 500) return 'error';
  if (response.statusCode >= 400) return 'info';
  return 'debug';
}

/** The caller's X-Request-Id when it looks like an id, a fresh one otherwise. */
export function chooseRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const id = chooseRequestId(request.headers['x-request-id']);
  response.setHeader('X-Request-Id', id);
  return id;
}

/** A request log line's message: method, path only, status, and the time when it is known. */
function requestMessage(request: IncomingMessage, statusCode: number, ms?: number): string {
  const line = `${request.method} ${loggablePath(request.url)} ${statusCode}`;
  return ms === undefined ? line : `${line} in ${ms} ms`;
}

/** The request log line pino-http writes, for requests served outside Express (the webhook fast path). */
export function logRequest(logger: Logger, request: IncomingMessage, response: ServerResponse, id: string, startedAt: number): void {
  const level = requestLogLevel(request, response);
  if (!logger.isLevelEnabled(level)) return;
  const responseTime = Date.now() - startedAt;
  // The raw objects, as pino-http passes them: the root logger's serializers read them.
  (request as IncomingMessage & { id?: string }).id = id;
  // pino-http words a failed request's line without the time; so does this.
  const message = requestMessage(request, response.statusCode, response.statusCode >= 500 ? undefined : responseTime);
  logger[level as 'info']({ requestId: id, req: request, res: response, responseTime }, message);
}

/** pino-pretty is a dev dependency: pretty lines for a person at a terminal, JSON everywhere else. */
function prettyTransport(): LoggerOptions['transport'] | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined;
  }
  return { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } };
}

/**
 * The request log: an id per request (answered as X-Request-Id), the level by status, a message with
 * the path only. The request's own line carries `requestId` at the top, with no extra child logger
 * per request: on the webhook path each one costs as much as the rest of the logging together.
 */
function requestLogOptions(): HttpOptions {
  return {
    serializers: {
      req: serializeRequest,
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
    genReqId: requestId,
    customSuccessObject: (request, _response, value) => ({ requestId: request.id, ...value }),
    customErrorObject: (request, response, error, value) => {
      // A 5xx the application answered on purpose (a failed manual run's 500) has no error:
      // pino-http makes one up whose stack points into itself. The failure is logged where it
      // happened (the execution's own line; toErrorAnswer for unexpected errors), so none here.
      if (error?.message === `failed with status code ${response.statusCode}`) {
        const { err: _synthetic, ...rest } = value as Record<string, unknown>;
        return { requestId: request.id, ...rest };
      }
      return { requestId: request.id, ...value };
    },
    customLogLevel: requestLogLevel,
    customSuccessMessage: (request, response, ms) => requestMessage(request, response.statusCode, ms),
    customErrorMessage: (request, response) => requestMessage(request, response.statusCode),
  };
}

/**
 * nestjs-pino settings: one JSON object per line on stdout (docs/observability.md), the level from LOG_LEVEL,
 * secrets kept out. Its own request middleware is not mounted (`forRoutes: []`): it runs every
 * request inside an AsyncLocalStorage, which makes Node track every promise of the process from
 * then on — 15-20 % of webhook throughput (bench/README.md). createApp mounts the same
 * request log without it (requestLogger).
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const transport = destination ? undefined : prettyTransport();
  const options: HttpOptions = {
    level: config.logLevel,
    base: { pid: process.pid, hostname: hostname(), role: config.appRole },
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      // Level names rather than numbers, for people and log pipelines alike (pino-pretty reads both).
      ...(transport ? {} : { level: (label: string) => ({ level: label }) }),
      log: (object) => scrubSecrets(object) as Record<string, unknown>,
    },
    transport,
    // With tracing on, each line carries the active span's trace_id and span_id, so logs and traces join.
    ...(tracer && { mixin: activeTraceIds }),
    ...requestLogOptions(),
  };
  return { pinoHttp: destination ? [options, destination] : options, forRoutes: [] };
}

/** pino-http on the application's root logger: the request log lines, with no AsyncLocalStorage. */
export function requestLogger(root: Logger): HttpLogger {
  return pinoHttp({ logger: root, ...requestLogOptions() });
}
