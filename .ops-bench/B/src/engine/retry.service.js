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
import { conflict, notFound } from '../common/app-error.js';
import { newId } from '../database/uuid.js';
import { ExecutionService } from '../executions/execution.service.js';
import { ExecutionQueue } from './execution-queue.js';
import { WorkflowDefinitions } from './workflow-definitions.js';
/**
 * SPEC §7.8 retry: a new execution (`mode: retry`, `retryOf`) of a FAILED or CANCELED one. From the
 * failed node, the successful nodes' stored records are copied in and replay instead of running,
 * so their outputs (and `$node` references to them) are reused.
 */
let RetryService = class RetryService {
    executions;
    definitions;
    queue;
    constructor(executions, definitions, queue) {
        this.executions = executions;
        this.definitions = definitions;
        this.queue = queue;
    }
    async retry(id, options, principal) {
        const original = await this.executions.getExecution(id, principal);
        if (original.status !== 'FAILED' && original.status !== 'CANCELED')
            throw conflict(`Execution ${id} is ${original.status}; only FAILED or CANCELED executions can be retried`);
        let version = original.workflowVersion;
        if (options.workflowVersion === 'current') {
            const current = await this.definitions.current(original.workflowId);
            if (!current)
                throw notFound('Workflow', original.workflowId);
            version = current.version;
        }
        const workflow = await this.definitions.load(original.workflowId, version);
        if (!workflow)
            throw notFound('Workflow version', `${original.workflowId}@${version}`);
        const reuse = (options.from ?? 'failedNode') === 'failedNode' && workflow.settings.saveNodeData !== 'errorsOnly';
        const created = await this.executions.createExecution({
            id: newId(),
            workflowId: original.workflowId,
            workflowVersion: version,
            webhookId: original.webhookId,
            userId: principal.userId,
            mode: 'retry',
            triggerData: original.triggerData,
            idempotencyKey: null,
            retryOf: original.id,
            nodeExecutions: reuse ? reusable(original.nodeExecutions, (name) => workflow.graph.nodes.has(name)) : [],
            createdAt: new Date(),
        });
        this.queue.enqueue([{ id: created.id, workflowId: original.workflowId, concurrency: workflow.settings.concurrency }]);
        return this.executions.getExecution(created.id, principal);
    }
};
RetryService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [ExecutionService,
        WorkflowDefinitions,
        ExecutionQueue])
], RetryService);
export { RetryService };
/**
 * Successful records whose output was stored in full and whose node still exists. Without
 * `saveNodeData: all` the outputs were never stored, so the caller retries from the start instead.
 */
function reusable(records, exists) {
    return records.filter((record) => record.status === 'SUCCESS' && exists(record.nodeName) && !isTruncated(record.output));
}
function isTruncated(value) {
    return typeof value === 'object' && value !== null && value.truncated === true && 'bytes' in value;
}
//# sourceMappingURL=retry.service.js.map