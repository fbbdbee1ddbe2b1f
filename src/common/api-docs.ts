import { applyDecorators, HttpCode, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorDto {
  @ApiProperty() statusCode: number;
  @ApiProperty() error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) message: string | string[];
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input; the message says which field and why',
  401: 'Missing, invalid, revoked or expired API key',
  403: 'Only admins may do this',
  404: 'Not found (or owned by another user)',
  405: 'Method not allowed; see Allow',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'The body is not JSON (Content-Type must be application/json)',
  429: 'Rate limited; see Retry-After',
  503: 'Dependency unavailable; see Retry-After',
};

/** Each documented error's example, as the service words it (test/openapi-examples.e2e.spec.ts sends them). */
export const ERROR_EXAMPLES: Record<number, { statusCode: number; error: string; message: string | string[] }> = {
  400: { statusCode: 400, error: 'Bad Request', message: ['name must be a string'] },
  401: { statusCode: 401, error: 'Unauthorized', message: 'Missing API key: send Authorization: Bearer <api key>' },
  403: { statusCode: 403, error: 'Forbidden', message: 'Only admins may do this' },
  404: { statusCode: 404, error: 'Not Found', message: 'Workflow 0190b6a5-0000-7000-8000-000000000000 not found' },
  405: { statusCode: 405, error: 'Method Not Allowed', message: 'This webhook accepts POST only' },
  409: { statusCode: 409, error: 'Conflict', message: 'Workflow 0190b6a5-0000-7000-8000-000000000000 is at version 3, not 2: it changed since you read it; fetch it again and reapply your changes' },
  413: { statusCode: 413, error: 'Payload Too Large', message: 'Request body is larger than allowed' },
  415: { statusCode: 415, error: 'Unsupported Media Type', message: 'Request body must be JSON: send it with Content-Type: application/json' },
  429: { statusCode: 429, error: 'Too Many Requests', message: 'Too many requests for this webhook' },
  503: { statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable; try again shortly' },
};

/** A documented error answer: the shared schema, with an example of that very status. */
export function ApiError(code: number, description = ERROR_TEXT[code] ?? 'Error') {
  return ApiResponse({ status: code, type: ErrorDto, description, example: ERROR_EXAMPLES[code] });
}

interface RouteDoc {
  summary: string;
  description?: string;
  status?: number;
  type?: Type<unknown> | [Type<unknown>];
  errors?: number[];
  /** Public routes carry no bearer requirement. */
  public?: boolean;
  /** False when the route documents its success answers itself (ApiRunAnswers). */
  success?: boolean;
}

/** One decorator per admin route: summary, success type and every error it can answer. */
export function ApiRoute(doc: RouteDoc) {
  const status = doc.status ?? 200;
  const errors = doc.public ? (doc.errors ?? []) : [401, ...(doc.errors ?? [])];
  return applyDecorators(
    ApiOperation({ summary: doc.summary, description: doc.description }),
    HttpCode(status),
    ...(doc.success === false ? [] : [ApiResponse({ status, type: doc.type, description: 'Success' })]),
    ...errors.map((code) => ApiError(code)),
    ...(doc.public ? [] : [ApiBearerAuth()]),
  );
}

/** A run that ended FAILED or CANCELED, answered 500 by `lastNode` webhooks and manual runs. */
export class ExecutionFailedDto {
  @ApiProperty() executionId: string;
  @ApiProperty({ enum: ['FAILED', 'CANCELED'] }) status: string;
  @ApiProperty({ example: 'Node "Check score" failed: Expression error in parameter "conditions[0].rules[0].field": …' }) error: string;
}

/** Still running when the answer was due: the execution goes on and can be looked up. */
export class ExecutionStillRunningDto {
  @ApiProperty() executionId: string;
  @ApiProperty({ enum: ['PENDING', 'RUNNING', 'WAITING'] }) status: string;
}

/** The documented answers of a request that runs a workflow and may wait for its end. */
export function ApiRunAnswers(success: string) {
  return applyDecorators(
    ApiResponse({ status: 200, description: success, schema: { description: 'Any JSON: the output of the last node that ran', example: { msg: 'Well done ada@example.com' } } }),
    ApiResponse({ status: 202, type: ExecutionStillRunningDto, description: 'Accepted (responseMode onReceived), or still running when the answer was due (the response timeout; 30 s for a manual run)' }),
    ApiResponse({ status: 500, type: ExecutionFailedDto, description: 'The execution ended FAILED or CANCELED; `error` names the node and the reason. Not a server fault: see the execution for details' }),
  );
}
