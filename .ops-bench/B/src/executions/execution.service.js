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
import { Batcher } from '../common/batcher.js';
import { ExecutionEvents } from './execution-events.js';
import { ExecutionsRepository } from './executions.repository.js';
/**
 * Executions as the rest of the service sees them (SPEC §2 names). Creation goes through a group
 * commit: concurrent webhooks share one INSERT, and each caller learns only its own row's fate.
 */
let ExecutionService = class ExecutionService {
    executions;
    events;
    inserts;
    constructor(executions, events) {
        this.executions = executions;
        this.events = events;
        this.inserts = new Batcher((rows) => this.executions.insertMany(rows), 500, 4);
    }
    /** Resolves once the row is committed: `created: false` for a known idempotency key. */
    createExecution(execution) {
        return this.inserts.submit(execution);
    }
    /** The execution if the caller may see it (members: their own), else 404. */
    async getExecution(id, principal) {
        const execution = await this.executions.findById(id);
        if (!execution || (principal.role !== 'admin' && execution.userId !== principal.userId))
            throw notFound('Execution', id);
        return execution;
    }
    getExecutionsByWorkflow(workflowId, principal, limit, cursor, withNodes) {
        return this.listExecutions({ workflowId }, principal, limit, cursor, withNodes);
    }
    listExecutions(filter, principal, limit, cursor, withNodes) {
        const scoped = principal.role === 'admin' ? filter : { ...filter, userId: principal.userId };
        return this.executions.list(scoped, limit, cursor, withNodes);
    }
    /** PENDING, RUNNING or WAITING → CANCELED; a run in this process is aborted at once. */
    async cancel(id, principal) {
        const execution = await this.getExecution(id, principal);
        if (!(await this.executions.cancel(id)))
            throw conflict(`Execution ${id} is ${execution.status} and cannot be canceled`);
        this.events.canceled(id);
        return this.getExecution(id, principal);
    }
};
ExecutionService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [ExecutionsRepository,
        ExecutionEvents])
], ExecutionService);
export { ExecutionService };
//# sourceMappingURL=execution.service.js.map