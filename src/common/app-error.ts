/**
 * Domain errors carry a code; the global filter maps codes to HTTP in one exhaustive switch, so
 * services never import HTTP types.
 */
export type AppErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string | string[],
    /** Extra response headers (Allow, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.messages = message;
  }

  readonly messages: string | string[];
}

export const notFound = (what: string, id?: string): AppError =>
  new AppError('not_found', id ? `${what} ${id} not found` : `${what} not found`);
export const invalid = (message: string | string[]): AppError => new AppError('invalid', message);
export const conflict = (message: string): AppError => new AppError('conflict', message);
export const forbidden = (message: string): AppError => new AppError('forbidden', message);
