export class AppError extends Error {
    code;
    headers;
    constructor(code, message, 
    /** Extra response headers (Allow, Retry-After). */
    headers = {}) {
        super(Array.isArray(message) ? message.join('; ') : message);
        this.code = code;
        this.headers = headers;
        this.messages = message;
    }
    messages;
}
export const notFound = (what, id) => new AppError('not_found', id ? `${what} ${id} not found` : `${what} not found`);
export const invalid = (message) => new AppError('invalid', message);
export const conflict = (message) => new AppError('conflict', message);
export const forbidden = (message) => new AppError('forbidden', message);
//# sourceMappingURL=app-error.js.map