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
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeRegistry } from '../nodes/node-registry.js';
import { containsExpression, ExpressionEvaluator } from './expressions/expression-evaluator.js';
import { CredentialResolver } from './credential-resolver.js';
export const DEFAULT_NODE_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_TRIES = 3;
const DEFAULT_WAIT_BETWEEN_TRIES_MS = 1000;
/**
 * Runs one node: resolves its expressions, calls its executor under a timeout, retries with a
 * doubling wait (SPEC §7.4). Knows nothing about the graph.
 */
let NodeRunner = class NodeRunner {
    registry;
    evaluator;
    credentials;
    expressionCache = new WeakMap();
    constructor(registry, evaluator, credentials) {
        this.registry = registry;
        this.evaluator = evaluator;
        this.credentials = credentials;
    }
    async run(context, node, record, input, inputs, signal, hooks) {
        if (node.disabled) {
            record.attempts += 1;
            return { status: 'SUCCESS', output: input, branch: 0 };
        }
        const executor = this.registry.executor(node.type);
        if (!executor) {
            record.attempts += 1;
            return failed(`Node type "${node.type}" is not available in this build`);
        }
        const maxTries = node.retryOnFail ? (node.maxTries ?? DEFAULT_MAX_TRIES) : 1;
        let wait = node.waitBetweenTries ?? DEFAULT_WAIT_BETWEEN_TRIES_MS;
        let outcome = { kind: 'failed', error: 'Node did not run' };
        // At least one try even when a recovered record already used the budget: the try that was in
        // flight when the previous owner died is repeated once, its attempt counted (SPEC §7.7).
        for (;;) {
            record.attempts += 1;
            if (executor.description.sideEffects)
                await hooks.beforeSideEffect();
            if (signal.aborted)
                return failed(reasonOf(signal));
            outcome = await this.tryOnce(context, node, input, inputs, record.attempts, signal, hooks);
            if (outcome.kind === 'success')
                return { status: 'SUCCESS', output: outcome.output, branch: outcome.branch === undefined ? 0 : outcome.branch };
            if (outcome.kind === 'waiting')
                return { status: 'WAITING', until: outcome.until };
            if (record.attempts >= maxTries || signal.aborted)
                break;
            try {
                await sleep(wait, undefined, { signal });
            }
            catch {
                break;
            }
            wait *= 2;
        }
        if (signal.aborted)
            return failed(reasonOf(signal));
        return failed(outcome.kind === 'failed' ? outcome.error : 'Node failed');
    }
    async tryOnce(context, node, input, inputs, attempt, executionSignal, hooks) {
        const timeoutMs = node.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
        const controller = new AbortController();
        const onAbort = () => controller.abort(executionSignal.reason);
        executionSignal.addEventListener('abort', onAbort, { once: true });
        let timer;
        const timeout = new Promise((resolve) => {
            timer = setTimeout(() => {
                const error = `Node timed out after ${timeoutMs} ms`;
                controller.abort(new Error(error));
                resolve({ kind: 'failed', error });
            }, timeoutMs);
        });
        const aborted = new Promise((resolve) => {
            controller.signal.addEventListener('abort', () => resolve({ kind: 'failed', error: reasonOf(controller.signal) }), { once: true });
        });
        try {
            return await Promise.race([this.execute(context, node, input, inputs, attempt, controller.signal, hooks), timeout, aborted]);
        }
        finally {
            clearTimeout(timer);
            executionSignal.removeEventListener('abort', onAbort);
        }
    }
    async execute(context, node, input, inputs, attempt, signal, hooks) {
        try {
            const parameters = this.hasExpressions(node)
                ? (await this.evaluator.resolve(node.parameters ?? {}, context.bindings(input)))
                : (node.parameters ?? {});
            const executor = this.registry.executor(node.type);
            return await executor.execute({
                node,
                parameters,
                input,
                inputs,
                executionId: context.execution.id,
                workflowId: context.workflow.id,
                attempt,
                signal,
                credential: (type) => this.credentials.resolve(node, type),
                respond: (response) => hooks.respond(response),
            });
        }
        catch (error) {
            return { kind: 'failed', error: error?.message ?? String(error) };
        }
    }
    hasExpressions(node) {
        let known = this.expressionCache.get(node);
        if (known === undefined) {
            known = containsExpression(node.parameters);
            this.expressionCache.set(node, known);
        }
        return known;
    }
};
NodeRunner = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [NodeRegistry,
        ExpressionEvaluator,
        CredentialResolver])
], NodeRunner);
export { NodeRunner };
const failed = (error) => ({ status: 'FAILED', error });
function reasonOf(signal) {
    const reason = signal.reason;
    if (reason instanceof Error)
        return reason.message;
    return typeof reason === 'string' ? reason : 'Aborted';
}
//# sourceMappingURL=node-runner.js.map