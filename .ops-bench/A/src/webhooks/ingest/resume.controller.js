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
import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { notFound } from '../../common/app-error.js';
import { Public } from '../../common/auth.decorators.js';
import { ExecutionQueue } from '../../engine/execution-queue.js';
import { ResumeTokens } from '../../engine/resume-tokens.js';
import { ExecutionsRepository } from '../../executions/executions.repository.js';
import { toJsonb } from '../../executions/node-records.js';
import { parseBody } from './incoming-request.js';
/** `GET|POST /webhook/resume/:token`: continues an execution paused at a resume-mode wait node. */
let ResumeController = class ResumeController {
    tokens;
    executions;
    queue;
    constructor(tokens, executions, queue) {
        this.tokens = tokens;
        this.executions = executions;
        this.queue = queue;
    }
    async resume(token, request, response) {
        if (request.method !== 'GET' && request.method !== 'POST') {
            response.setHeader('Allow', 'GET, POST');
            response.status(405).json({ statusCode: 405, error: 'Method Not Allowed', message: 'Use GET or POST' });
            return;
        }
        const target = this.tokens.verify(token);
        if (!target)
            throw notFound('Resume token');
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const contentType = request.headers['content-type'];
        const body = parseBody(raw, Array.isArray(contentType) ? contentType[0] : contentType);
        const woken = await this.executions.resume(target.executionId, target.nodeName, toJsonb({ body, query: { ...request.query } }));
        if (!woken)
            throw notFound('Resume token');
        this.queue.enqueue([{ id: target.executionId, workflowId: woken.workflowId }]);
        response.status(202).json({ executionId: target.executionId });
    }
};
__decorate([
    All(':token'),
    ApiOperation({
        summary: 'Resume a waiting execution',
        description: 'GET or POST. 202 `{ executionId }`; 404 for an unknown, used or expired token. The wait node outputs `{ body, query }` of this request.',
    }),
    __param(0, Param('token')),
    __param(1, Req()),
    __param(2, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object, Object]),
    __metadata("design:returntype", Promise)
], ResumeController.prototype, "resume", null);
ResumeController = __decorate([
    ApiTags('webhooks (public)'),
    Public(),
    Controller('webhook/resume'),
    __metadata("design:paramtypes", [ResumeTokens,
        ExecutionsRepository,
        ExecutionQueue])
], ResumeController);
export { ResumeController };
//# sourceMappingURL=resume.controller.js.map