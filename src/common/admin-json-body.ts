import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from './app-error.js';
import { exceedsJsonDepth, TOO_DEEP_MESSAGE } from './json-depth.js';
import { nulInBody, valueHasNul } from './nul-bytes.js';

/** Admin bodies (workflows of up to 200 nodes) stay far below this. */
const ADMIN_BODY_LIMIT = '5mb';

export const EXPECTED_JSON_MESSAGE = 'Request body must be JSON: send it with Content-Type: application/json';
export const EXPECTED_OBJECT_MESSAGE = 'Request body must be a JSON object ({ … })';

/**
 * The body parser of every admin route (docs/api-and-executions.md "JSON everywhere"): a body of another content type
 * (none, text/plain, XML) is refused with 415 naming the expected one, rather than reaching
 * validation as an empty object; any JSON value parses (`null` is valid JSON), and one that is not
 * an object is refused with 400 saying an object is expected. Every admin body is an object.
 * Parsed bodies are checked for depth before validation walks them recursively, and a NUL in any
 * string or key is refused (PostgreSQL cannot store it; webhooks check their raw bytes instead).
 */
export function adminJsonBody(): (request: Request, response: Response, next: NextFunction) => void {
  const json = express.json({ limit: ADMIN_BODY_LIMIT, strict: false, type: ['application/json', 'application/*+json'] });
  return (request, response, next) => {
    if (hasBody(request) && !request.is(['application/json', 'application/*+json'])) {
      next(new AppError('unsupported_media_type', EXPECTED_JSON_MESSAGE));
      return;
    }
    json(request, response, (error?: unknown) => {
      if (error) return next(error);
      const body: unknown = request.body;
      if (body === undefined || !hasBody(request)) return next();
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return next(new AppError('invalid', EXPECTED_OBJECT_MESSAGE));
      next(exceedsJsonDepth(body) ? new AppError('invalid', TOO_DEEP_MESSAGE) : valueHasNul(body) ? nulInBody() : undefined);
    });
  };
}

/** A request that carries bytes: chunked, or a Content-Length above 0 (an empty POST has none). */
function hasBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(request.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}
