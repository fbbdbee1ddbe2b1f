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
import { ExecutionsRepository } from '../executions/executions.repository.js';
import { FINAL_STATUSES } from '../executions/execution.types.js';
/** How often a waiter re-reads the database in case the execution runs in another process. */
const POLL_INTERVAL_MS = 1000;
/**
 * Lets an HTTP request wait for an execution (`lastNode`, `responseNode`, manual runs). The engine
 * notifies in-process at once; a slow poll covers executions run by another replica.
 */
let CompletionWaiters = class CompletionWaiters {
    executions;
    listeners = new Map();
    constructor(executions) {
        this.executions = executions;
    }
    notify(id, outcome) {
        this.emit(id, { kind: 'outcome', outcome });
    }
    respond(id, response) {
        this.emit(id, { kind: 'response', response });
    }
    emit(id, event) {
        for (const listener of this.listeners.get(id) ?? []) {
            if (event.kind === 'outcome' || listener.acceptsResponse)
                listener.deliver(event);
        }
    }
    /** Resolves with the first event, or undefined when `timeoutMs` passes first. */
    wait(id, timeoutMs, acceptsResponse = false) {
        return new Promise((resolve) => {
            let settled = false;
            const set = this.listeners.get(id) ?? new Set();
            this.listeners.set(id, set);
            const finish = (event) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(deadline);
                clearInterval(poll);
                set.delete(listener);
                if (set.size === 0 && this.listeners.get(id) === set)
                    this.listeners.delete(id);
                resolve(event);
            };
            const listener = { acceptsResponse, deliver: finish };
            set.add(listener);
            const deadline = setTimeout(() => finish(undefined), timeoutMs);
            const poll = setInterval(() => {
                this.read(id, acceptsResponse)
                    .then((event) => event && finish(event))
                    .catch(() => undefined);
            }, POLL_INTERVAL_MS);
        });
    }
    /**
     * The `lastNode` answer (SPEC §7.6.6), shared by webhooks and manual runs: 200 with the last
     * node's output, 500 on failure, 202 with the current status when the wait timed out; a
     * respondToWebhook answer as the node said.
     */
    async answer(executionId, event) {
        if (!event) {
            const status = (await this.executions.findStatus(executionId).catch(() => undefined)) ?? 'RUNNING';
            return { status: 202, body: { executionId, status } };
        }
        if (event.kind === 'response')
            return { status: event.response.statusCode, body: event.response.body ?? null, headers: event.response.headers };
        const { outcome } = event;
        if (outcome.status === 'COMPLETED')
            return { status: 200, body: outcome.output ?? null };
        return { status: 500, body: { executionId, status: outcome.status, error: outcome.error } };
    }
    async readOutcome(id) {
        const event = await this.read(id, false);
        return event?.kind === 'outcome' ? event.outcome : undefined;
    }
    async read(id, acceptsResponse) {
        const execution = await this.executions.findById(id);
        if (!execution)
            return undefined;
        if (acceptsResponse && execution.webhookResponse)
            return { kind: 'response', response: execution.webhookResponse };
        if (!FINAL_STATUSES.includes(execution.status))
            return undefined;
        return { kind: 'outcome', outcome: { status: execution.status, output: lastOutput(execution.nodeExecutions), error: execution.error } };
    }
};
CompletionWaiters = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [ExecutionsRepository])
], CompletionWaiters);
export { CompletionWaiters };
function lastOutput(records) {
    let last;
    for (const record of records) {
        if (!record.completedAt || (record.status !== 'SUCCESS' && record.status !== 'FAILED'))
            continue;
        if (!last || record.completedAt >= last.completedAt)
            last = record;
    }
    return last?.output ?? null;
}
//# sourceMappingURL=completion-waiters.js.map