var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse } from '@nestjs/swagger';
export class ErrorDto {
    statusCode;
    error;
    message;
}
__decorate([
    ApiProperty({ example: 400 }),
    __metadata("design:type", Number)
], ErrorDto.prototype, "statusCode", void 0);
__decorate([
    ApiProperty({ example: 'Bad Request' }),
    __metadata("design:type", String)
], ErrorDto.prototype, "error", void 0);
__decorate([
    ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }),
    __metadata("design:type", Object)
], ErrorDto.prototype, "message", void 0);
const ERROR_TEXT = {
    400: 'Invalid input; the message says which field and why',
    401: 'Missing, invalid, revoked or expired API key',
    403: 'Only admins may do this',
    404: 'Not found (or owned by another user)',
    409: 'Conflict with the current state',
    413: 'Body too large',
    429: 'Rate limited; see Retry-After',
    503: 'Dependency unavailable; see Retry-After',
};
/** One decorator per admin route: summary, success type and every error it can answer. */
export function ApiRoute(doc) {
    const status = doc.status ?? 200;
    const errors = doc.public ? (doc.errors ?? []) : [401, ...(doc.errors ?? [])];
    return applyDecorators(ApiOperation({ summary: doc.summary, description: doc.description }), HttpCode(status), ApiResponse({ status, type: doc.type, description: 'Success' }), ...errors.map((code) => ApiResponse({ status: code, type: ErrorDto, description: ERROR_TEXT[code] ?? 'Error' })), ...(doc.public ? [] : [ApiBearerAuth()]));
}
//# sourceMappingURL=api-docs.js.map