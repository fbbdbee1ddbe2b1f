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
import { notFound } from '../common/app-error.js';
import { newId } from '../database/uuid.js';
import { ExecutionService } from '../executions/execution.service.js';
import { redactHeaders } from '../webhooks/ingest/incoming-request.js';
import { CompletionWaiters } from './completion-waiters.js';
import { ExecutionQueue } from './execution-queue.js';
import { WorkflowDefinitions } from './workflow-definitions.js';
const MANUAL_RUN_TIMEOUT_MS = 30_000;
/** SPEC §7.8: a manual run goes through the same engine, with the caller as its user. */
let ManualRunService = class ManualRunService {
    definitions;
    executionService;
    queue;
    waiters;
    constructor(definitions, executionService, queue, waiters) {
        this.definitions = definitions;
        this.executionService = executionService;
        this.queue = queue;
        this.waiters = waiters;
    }
    async run(workflowId, input, principal) {
        const current = await this.definitions.current(workflowId);
        if (!current || (principal.role !== 'admin' && current.ownerId !== principal.userId))
            throw notFound('Workflow', workflowId);
        const workflow = await this.definitions.load(workflowId, current.version);
        if (!workflow)
            throw notFound('Workflow', workflowId);
        const created = await this.executionService.createExecution({
            id: newId(),
            workflowId,
            workflowVersion: current.version,
            webhookId: null,
            userId: principal.userId,
            mode: 'manual',
            triggerData: {
                body: input.body ?? {},
                headers: redactHeaders(input.headers ?? {}),
                query: input.query ?? {},
                method: 'POST',
                receivedAt: new Date().toISOString(),
            },
            idempotencyKey: null,
            retryOf: null,
            createdAt: new Date(),
        });
        const outcome = this.waiters.wait(created.id, MANUAL_RUN_TIMEOUT_MS);
        this.queue.enqueue([{ id: created.id, workflowId, concurrency: workflow.settings.concurrency }]);
        return this.waiters.answer(created.id, await outcome);
    }
};
ManualRunService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [WorkflowDefinitions,
        ExecutionService,
        ExecutionQueue,
        CompletionWaiters])
], ManualRunService);
export { ManualRunService };
//# sourceMappingURL=manual-run.service.js.map