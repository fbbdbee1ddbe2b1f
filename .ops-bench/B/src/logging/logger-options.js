import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { stdTimeFunctions } from 'pino';
/** An incoming X-Request-Id is kept only when it looks like an id, never when it could forge a log line. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
/**
 * Headers worth seeing in a request log. A list of what to keep rather than what to drop: webhook
 * authentication reads secrets from headers of any name (SPEC §9.3), so no deny-list can be complete.
 */
const LOGGED_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-request-id'];
/** Fields that hold secrets in credential data (SPEC §9.2), wherever a log object carries them. */
const SECRET_FIELDS = ['apiKey', 'botToken', 'password', 'secret', 'token', 'value'];
/** Defence in depth for objects logged by the application itself: the serializers below already drop these. */
export const REDACTED_PATHS = [
    ...['authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-hub-signature', 'x-hub-signature-256', 'stripe-signature', 'webhook-signature'].flatMap((header) => [
        `req.headers["${header}"]`,
        `headers["${header}"]`,
        `*.headers["${header}"]`,
    ]),
    ...SECRET_FIELDS.flatMap((field) => [`data.${field}`, `*.data.${field}`, `credential.${field}`, `*.credential.${field}`, `credentialData.${field}`]),
];
/** Path only (query strings can carry secrets) with resume tokens, which are capabilities, masked. */
export function loggablePath(url) {
    const path = (url ?? '').split('?', 1)[0];
    return path.replace(/^\/webhook\/resume\/[^/]+/, '/webhook/resume/[REDACTED]');
}
function serializeRequest(request) {
    const headers = {};
    for (const name of LOGGED_HEADERS)
        if (request.headers?.[name] !== undefined)
            headers[name] = request.headers[name];
    return { method: request.method, url: loggablePath(request.url), headers, remoteAddress: request.remoteAddress };
}
/** 2xx and 3xx at debug: logging every webhook at info would cost the ingest path dearly (SPEC §11). */
export function requestLogLevel(_request, response, error) {
    if (error || response.statusCode >= 500)
        return 'error';
    if (response.statusCode >= 400)
        return 'info';
    return 'debug';
}
export function requestId(request, response) {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', id);
    return id;
}
/** pino-pretty is a dev dependency: pretty lines for a person at a terminal, JSON everywhere else. */
function prettyTransport() {
    if (!process.stdout.isTTY)
        return undefined;
    try {
        createRequire(import.meta.url).resolve('pino-pretty');
    }
    catch {
        return undefined;
    }
    return { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } };
}
/**
 * nestjs-pino settings: one JSON object per line on stdout (SPEC §10), the level from LOG_LEVEL,
 * a request id on every request log (also answered as X-Request-Id), secrets kept out.
 */
export function loggerParams(config, destination) {
    const transport = destination ? undefined : prettyTransport();
    const options = {
        level: config.logLevel,
        base: { pid: process.pid, hostname: hostname(), role: config.appRole },
        timestamp: stdTimeFunctions.isoTime,
        // Level names rather than numbers, for people and log pipelines alike (pino-pretty reads both).
        formatters: transport ? undefined : { level: (label) => ({ level: label }) },
        redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
        serializers: {
            req: serializeRequest,
            res: (response) => ({ statusCode: response.statusCode }),
        },
        transport,
        genReqId: requestId,
        customAttributeKeys: { reqId: 'requestId' },
        // Logs written while handling a request carry its id, not a copy of the whole request.
        quietReqLogger: true,
        customLogLevel: requestLogLevel,
        customSuccessMessage: (request, response, ms) => `${request.method} ${loggablePath(request.url)} ${response.statusCode} in ${ms} ms`,
        customErrorMessage: (request, response) => `${request.method} ${loggablePath(request.url)} ${response.statusCode}`,
    };
    return { pinoHttp: destination ? [options, destination] : options };
}
//# sourceMappingURL=logger-options.js.map