var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from './app-error.js';
const REASONS = {
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
function statusOf(code) {
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
        case 'rate_limited':
            return 429;
        case 'unavailable':
            return 503;
    }
}
/**
 * The one place errors become HTTP responses: Nest's shape, never a stack trace, SQL or a secret.
 * Unexpected errors are logged with a request id that the response also carries.
 */
let HttpExceptionFilter = class HttpExceptionFilter {
    logger = new Logger('HttpExceptionFilter');
    catch(exception, host) {
        const context = host.switchToHttp();
        const response = context.getResponse();
        const request = context.getRequest();
        if (response.headersSent)
            return;
        const { body, headers } = this.toBody(exception, request);
        for (const [name, value] of Object.entries(headers))
            response.setHeader(name, value);
        response.status(body.statusCode).json(body);
    }
    toBody(exception, request) {
        if (exception instanceof AppError) {
            const statusCode = statusOf(exception.code);
            return { body: { statusCode, error: REASONS[statusCode], message: exception.messages }, headers: exception.headers };
        }
        if (exception instanceof HttpException) {
            const statusCode = exception.getStatus();
            const payload = exception.getResponse();
            const message = typeof payload === 'string'
                ? payload
                : (payload.message ?? exception.message);
            return { body: { statusCode, error: REASONS[statusCode] ?? 'Error', message }, headers: {} };
        }
        const parser = exception;
        if (parser?.type === 'entity.too.large') {
            return { body: { statusCode: 413, error: REASONS[413], message: 'Request body is larger than allowed' }, headers: {} };
        }
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
        // The id pino-http gave the request (also answered as X-Request-Id), so the log line is found.
        const given = request.id;
        const requestId = typeof given === 'string' ? given : randomUUID();
        const error = exception instanceof Error ? exception : new Error(String(exception));
        this.logger.error(`Unhandled error on ${request.method} ${request.path} (request ${requestId}): ${error.message}`, error.stack);
        return {
            body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: REASONS[500], message: 'Internal server error', requestId },
            headers: {},
        };
    }
};
HttpExceptionFilter = __decorate([
    Catch()
], HttpExceptionFilter);
export { HttpExceptionFilter };
/** Connection-level failures (server down, restarting, pool exhausted): retryable, so 503. */
export function isDatabaseUnavailable(error) {
    const candidate = error;
    if (!candidate || typeof candidate !== 'object')
        return false;
    const code = candidate.code ?? candidate.driverError?.code ?? '';
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08'))
        return true;
    const message = candidate.message ?? '';
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting|shutting) up/i.test(message);
}
//# sourceMappingURL=http-exception.filter.js.map