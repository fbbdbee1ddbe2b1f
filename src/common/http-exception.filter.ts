import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { AppError, type AppErrorCode } from './app-error.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  requestId?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function statusOf(code: AppErrorCode): number {
  switch (code) {
    case 'invalid':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
  }
}

/** Errors body-parser raises before any handler runs: a client's fault, never a 500. */
interface ParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

export interface ErrorAnswer {
  body: ErrorBody;
  headers: Record<string, string>;
}

/** What the failed request was, for the log line of an unexpected error. */
export interface FailedRequest {
  method: string;
  path: string;
  /** The id the request log carries (also answered as X-Request-Id). */
  requestId?: string;
}

/**
 * The one place errors become HTTP responses: Nest's shape, never a stack trace, SQL or a secret.
 * Unexpected errors are logged with a request id that the response also carries. Shared by the
 * Nest filter below and the webhook fast path (webhooks/ingest/webhook-fast-path.ts).
 */
export function toErrorAnswer(exception: unknown, request: FailedRequest, logger: Pick<Logger, 'error'>): ErrorAnswer {
  if (exception instanceof AppError) {
    const statusCode = statusOf(exception.code);
    return { body: { statusCode, error: REASONS[statusCode], message: exception.messages }, headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    // Nest maps body-parser's refusal to an exception with the parser's own wording.
    if (statusCode === 413) return payloadTooLarge();
    const payload = exception.getResponse();
    const message =
      typeof payload === 'string'
        ? payload
        : ((payload as { message?: string | string[] }).message ?? exception.message);
    return { body: { statusCode, error: REASONS[statusCode] ?? 'Error', message }, headers: {} };
  }
  const parser = exception as ParserError;
  if (parser?.type === 'entity.too.large') return payloadTooLarge();
  if (parser?.type === 'entity.parse.failed') {
    return { body: { statusCode: 400, error: REASONS[400], message: 'Malformed JSON in request body' }, headers: {} };
  }
  if (parser?.expose && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return { body: { statusCode: parser.status, error: REASONS[parser.status] ?? 'Bad Request', message: 'Request body could not be read' }, headers: {} };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      body: { statusCode: 503, error: REASONS[503], message: 'The database is unavailable; try again shortly' },
      headers: { 'Retry-After': '5' },
    };
  }
  const requestId = request.requestId ?? randomUUID();
  const error = exception instanceof Error ? exception : new Error(String(exception));
  logger.error(`Unhandled error on ${request.method} ${request.path} (request ${requestId}): ${error.message}`, error.stack);
  return {
    body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: REASONS[500], message: 'Internal server error', requestId },
    headers: {},
  };
}

export function payloadTooLarge(): ErrorAnswer {
  return { body: { statusCode: 413, error: REASONS[413], message: 'Request body is larger than allowed' }, headers: {} };
}

/** Routes every error Nest and Express see through toErrorAnswer. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    if (response.headersSent) return;
    // The id pino-http gave the request (also answered as X-Request-Id), so the log line is found.
    const given = (request as { id?: unknown }).id;
    const { body, headers } = toErrorAnswer(exception, { method: request.method, path: request.path, requestId: typeof given === 'string' ? given : undefined }, this.logger);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(body.statusCode).json(body);
  }
}

/** Connection-level failures (server down, restarting, pool exhausted): retryable, so 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const candidate = error as { code?: string; message?: string; driverError?: { code?: string } } | null;
  if (!candidate || typeof candidate !== 'object') return false;
  const code = candidate.code ?? candidate.driverError?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08')) return true;
  const message = candidate.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting|shutting) up/i.test(message);
}
