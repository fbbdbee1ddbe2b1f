import { applyDecorators, HttpCode, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse } from '@nestjs/swagger';

export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) message: string | string[];
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input; the message says which field and why',
  401: 'Missing, invalid, revoked or expired API key',
  403: 'Only admins may do this',
  404: 'Not found (or owned by another user)',
  409: 'Conflict with the current state',
  413: 'Body too large',
  429: 'Rate limited; see Retry-After',
  503: 'Dependency unavailable; see Retry-After',
};

interface RouteDoc {
  summary: string;
  description?: string;
  status?: number;
  type?: Type<unknown> | [Type<unknown>];
  errors?: number[];
  /** Public routes carry no bearer requirement. */
  public?: boolean;
}

/** One decorator per admin route: summary, success type and every error it can answer. */
export function ApiRoute(doc: RouteDoc) {
  const status = doc.status ?? 200;
  const errors = doc.public ? (doc.errors ?? []) : [401, ...(doc.errors ?? [])];
  return applyDecorators(
    ApiOperation({ summary: doc.summary, description: doc.description }),
    HttpCode(status),
    ApiResponse({ status, type: doc.type, description: 'Success' }),
    ...errors.map((code) => ApiResponse({ status: code, type: ErrorDto, description: ERROR_TEXT[code] ?? 'Error' })),
    ...(doc.public ? [] : [ApiBearerAuth()]),
  );
}
