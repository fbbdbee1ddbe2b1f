var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { All, Controller, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth.decorators.js';
import { WebhookIngestService } from './webhook-ingest.service.js';
/** The public entry point webhook senders POST to (SPEC §7.6, §8.1). */
let WebhookHandlerController = class WebhookHandlerController {
    ingest;
    constructor(ingest) {
        this.ingest = ingest;
    }
    async handle(id, request, response) {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await this.ingest.ingest({ webhookId: id, method: request.method, raw, headers: request.headers, query: request.query });
        for (const [name, value] of Object.entries(answer.headers ?? {}))
            response.setHeader(name, value);
        response.status(answer.status).json(answer.body);
    }
};
__decorate([
    All('handler/:id'),
    ApiOperation({
        summary: 'Trigger a workflow',
        description: 'Any method the webhook registers. 202 `{ executionId, status }` once the execution is committed (onReceived), or the last node output (lastNode). 200 `{ duplicate: true }` for a known idempotency key. 400 bad body, 401 auth, 404 unknown or inactive, 405 wrong method, 413 too large, 429 rate limited, 503 database down.',
    }),
    __param(0, Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 }))),
    __param(1, Req()),
    __param(2, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object, Object]),
    __metadata("design:returntype", Promise)
], WebhookHandlerController.prototype, "handle", null);
WebhookHandlerController = __decorate([
    ApiTags('webhooks (public)'),
    Public(),
    Controller('webhook'),
    __metadata("design:paramtypes", [WebhookIngestService])
], WebhookHandlerController);
export { WebhookHandlerController };
//# sourceMappingURL=webhook-handler.controller.js.map