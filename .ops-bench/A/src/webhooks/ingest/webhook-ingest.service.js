var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { AppError, notFound } from '../../common/app-error.js';
import { newId } from '../../database/uuid.js';
import { CompletionWaiters } from '../../engine/completion-waiters.js';
import { ExecutionQueue } from '../../engine/execution-queue.js';
import { WorkflowDefinitions } from '../../engine/workflow-definitions.js';
import { ExecutionService } from '../../executions/execution.service.js';
import { buildTriggerData, parseBody } from './incoming-request.js';
import { RateLimiter } from './rate-limiter.js';
import { TriggerStats } from './trigger-stats.js';
import { validateTriggerBody } from './trigger-validation.js';
import { WebhookAuthenticator } from './webhook-authenticator.js';
import { WebhookRoutes } from './webhook-routes.js';
const MAX_IDEMPOTENCY_KEY_LENGTH = 512;
/**
 * SPEC §7.6, in order: find, authenticate, rate-limit, parse, validate, deduplicate, commit, answer.
 * Nothing is answered 2xx before the execution row is committed.
 */
let WebhookIngestService = class WebhookIngestService {
    routes;
    authenticator;
    rateLimiter;
    definitions;
    executionService;
    queue;
    waiters;
    stats;
    constructor(routes, authenticator, rateLimiter, definitions, executionService, queue, waiters, stats) {
        this.routes = routes;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.definitions = definitions;
        this.executionService = executionService;
        this.queue = queue;
        this.waiters = waiters;
        this.stats = stats;
    }
    async ingest(request) {
        const route = await this.routes.find(request.webhookId);
        if (!route || !route.active || !route.workflowActive)
            throw notFound('Webhook', request.webhookId);
        if (!methodMatches(route.method, request.method)) {
            throw new AppError('method_not_allowed', `This webhook accepts ${route.method} only`, { Allow: route.method });
        }
        const secretHeaders = await this.authenticator.verify(route, request.raw, request.headers);
        if (route.rateLimit) {
            const retryAfter = this.rateLimiter.take(route.id, route.rateLimit);
            if (retryAfter !== undefined)
                throw new AppError('rate_limited', 'Too many requests for this webhook', { 'Retry-After': String(retryAfter) });
        }
        const contentType = request.headers['content-type'];
        const body = parseBody(request.raw, Array.isArray(contentType) ? contentType[0] : contentType);
        const workflow = await this.definitions.load(route.workflowId, route.version);
        if (!workflow)
            throw notFound('Webhook', request.webhookId);
        validateTriggerBody(workflow.graph.trigger.parameters ?? {}, body);
        const receivedAt = new Date();
        const result = await this.executionService.createExecution({
            id: newId(),
            workflowId: route.workflowId,
            workflowVersion: route.version,
            webhookId: route.id,
            userId: route.ownerId,
            mode: 'webhook',
            triggerData: buildTriggerData(request.method, body, request.headers, request.query, secretHeaders),
            idempotencyKey: idempotencyKey(route, request.headers),
            retryOf: null,
            createdAt: receivedAt,
        });
        if (!result.created)
            return { status: 200, body: { executionId: result.id, status: result.status, duplicate: true } };
        this.stats.record(route.workflowId, route.id, receivedAt);
        const waitsForEnd = route.responseMode !== 'onReceived';
        // Registered before the run is queued, so even an instant finish is seen.
        const outcome = waitsForEnd ? this.waiters.wait(result.id, route.responseTimeoutMs, route.responseMode === 'responseNode') : undefined;
        this.queue.enqueue([{ id: result.id, workflowId: route.workflowId, concurrency: workflow.settings.concurrency }]);
        if (!outcome)
            return { status: 202, body: { executionId: result.id, status: 'PENDING' } };
        return this.waiters.answer(result.id, await outcome);
    }
};
WebhookIngestService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [WebhookRoutes,
        WebhookAuthenticator,
        RateLimiter,
        WorkflowDefinitions,
        ExecutionService,
        ExecutionQueue,
        CompletionWaiters,
        TriggerStats])
], WebhookIngestService);
export { WebhookIngestService };
function methodMatches(registered, actual) {
    return registered === actual || (registered === 'GET' && actual === 'HEAD');
}
function idempotencyKey(route, headers) {
    const value = headers[route.idempotencyHeader.toLowerCase()];
    const key = Array.isArray(value) ? value[0] : value;
    if (!key)
        return null;
    if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
        throw new AppError('invalid', `${route.idempotencyHeader} is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
    return key;
}
//# sourceMappingURL=webhook-ingest.service.js.map