import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeExecution } from '../executions/execution.types.js';
import { errorKindOf, type ErrorKind, type NodeExecutor, type NodeOutcome, type WebhookResponse } from '../nodes/node-executor.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';
import type { ExecutionContext } from './execution-context.js';
import { containsExpression, ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import { childAbort } from './child-abort.js';
import { CredentialResolver } from './credential-resolver.js';
import { runEach, type Element } from './for-each.js';
import { traceNodeTry } from '../tracing/spans.js';
import { tracer } from '../tracing/tracing.js';

export const DEFAULT_NODE_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_TRIES = 3;
const DEFAULT_WAIT_BETWEEN_TRIES_MS = 1000;

/** What one node's run ended with, after its retries. */
export type NodeResult =
  | { status: 'SUCCESS'; output: unknown; branch: number | null }
  /** `errorKind` absent: the run was stopped (cancel, shutdown, execution timeout), no fault of the node's. */
  | { status: 'FAILED'; error: string; errorKind?: ErrorKind }
  | { status: 'WAITING'; until: Date | null };

export interface NodeRunHooks {
  /** Called before every try of a node with outside effects: commits what came before (docs/executions.md). */
  beforeSideEffect(): Promise<void>;
  /** A respondToWebhook node's answer for the waiting caller. */
  respond(response: WebhookResponse): void;
  /** A node's run ended, retries included (the lifecycle's nodeSettled event, and the log of node failures). */
  nodeSettled?(node: WorkflowNode, result: NodeResult, durationMs: number): void;
}

/**
 * Runs one node: resolves its expressions, calls its executor under a timeout, retries with a
 * doubling wait (docs/executions.md). Knows nothing about the graph.
 */
@Injectable()
export class NodeRunner {
  private readonly logger = new Logger('NodeRunner');
  private readonly expressionCache = new WeakMap<WorkflowNode, boolean>();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly evaluator: ExpressionEvaluator,
    private readonly credentials: CredentialResolver,
  ) {}

  async run(context: ExecutionContext, node: WorkflowNode, record: NodeExecution, input: unknown, inputs: unknown[], signal: AbortSignal, hooks: NodeRunHooks): Promise<NodeResult> {
    if (node.disabled) {
      record.attempts += 1;
      return { status: 'SUCCESS', output: input, branch: 0 };
    }
    const executor = this.registry.executor(node.type);
    if (!executor) {
      record.attempts += 1;
      return failed(`Node type "${node.type}" is not available in this build`, 'internal');
    }
    if (node.forEach !== undefined) return runEach(this, { context, node, executor, record, input, inputs, signal, hooks });
    return this.tries(context, node, executor, record, input, inputs, signal, hooks);
  }

  /**
   * Tries the node until it succeeds, pauses or runs out of tries; `counter` is the node's record, or
   * under forEach the element's (whose item and index are then bound). Only an `outside` failure is
   * tried again: bad input fails the same way every time, and a bug of ours is no better for a retry.
   */
  async tries(context: ExecutionContext, node: WorkflowNode, executor: NodeExecutor, counter: { attempts: number; attemptErrors?: string[] }, input: unknown, inputs: unknown[], signal: AbortSignal, hooks: NodeRunHooks, element?: Element): Promise<NodeResult> {
    const maxTries = node.retryOnFail ? (node.maxTries ?? DEFAULT_MAX_TRIES) : 1;
    let wait = node.waitBetweenTries ?? DEFAULT_WAIT_BETWEEN_TRIES_MS;
    let outcome: NodeOutcome = { kind: 'failed', error: 'Node did not run', errorKind: 'internal' };
    // At least one try even when a recovered record already used the budget: the try that was in
    // flight when the previous owner died is repeated once, its attempt counted (docs/executions.md).
    for (;;) {
      counter.attempts += 1;
      if (executor.description.sideEffects) await hooks.beforeSideEffect();
      if (signal.aborted) return failed(reasonOf(signal));
      outcome = await this.tryOnce(context, node, input, inputs, counter.attempts, signal, hooks, element);
      if (outcome.kind === 'success') return { status: 'SUCCESS', output: outcome.output, branch: outcome.branch === undefined ? 0 : outcome.branch };
      if (outcome.kind === 'waiting') return { status: 'WAITING', until: outcome.until };
      // Each try of a retried node may fail differently (a timeout, then a 503): the record keeps them all.
      if (maxTries > 1) (counter.attemptErrors ??= []).push(outcome.error);
      if (counter.attempts >= maxTries || signal.aborted || (outcome.errorKind ?? 'outside') !== 'outside') break;
      const between = childAbort(signal);
      try {
        await sleep(wait, undefined, { signal: between.controller.signal });
      } catch {
        break;
      } finally {
        between.release();
      }
      wait *= 2;
    }
    if (signal.aborted) return failed(reasonOf(signal));
    return outcome.kind === 'failed' ? failed(outcome.error, outcome.errorKind ?? 'outside') : failed('Node failed', 'internal');
  }

  /** The list a forEach node runs over: its expression, evaluated like any parameter. */
  async forEachList(context: ExecutionContext, node: WorkflowNode, input: unknown): Promise<unknown> {
    return this.evaluator.evaluate(node.forEach!, context.bindings(input), 'forEach');
  }

  private tryOnce(context: ExecutionContext, node: WorkflowNode, input: unknown, inputs: unknown[], attempt: number, executionSignal: AbortSignal, hooks: NodeRunHooks, element: Element | undefined): Promise<NodeOutcome> {
    if (!tracer) return this.tryUntraced(context, node, input, inputs, attempt, executionSignal, hooks, element);
    return traceNodeTry(node, attempt, (text) => context.scrub(text), executionSignal, () => this.tryUntraced(context, node, input, inputs, attempt, executionSignal, hooks, element));
  }

  private async tryUntraced(context: ExecutionContext, node: WorkflowNode, input: unknown, inputs: unknown[], attempt: number, executionSignal: AbortSignal, hooks: NodeRunHooks, element: Element | undefined): Promise<NodeOutcome> {
    // Nothing to time out or abort midway: a timer and a controller per try were a tenth of the
    // engine's CPU for pure workflows.
    if (this.registry.executor(node.type)!.description.instant) return this.execute(context, node, input, inputs, attempt, executionSignal, hooks, element);
    const timeoutMs = node.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
    const child = childAbort(executionSignal);
    const signal = child.controller.signal;
    // One promise for every way the try is stopped (its timeout aborts the signal too), settled by
    // the signal's listener: the executor's own answer races it alone.
    let stop!: (outcome: NodeOutcome) => void;
    const stopped = new Promise<NodeOutcome>((resolve) => (stop = resolve));
    const onAbort = () => stop({ kind: 'failed', error: reasonOf(signal) });
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => child.controller.abort(new Error(`Node timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      return await Promise.race([this.execute(context, node, input, inputs, attempt, signal, hooks, element), stopped]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      child.release();
    }
  }

  private async execute(context: ExecutionContext, node: WorkflowNode, input: unknown, inputs: unknown[], attempt: number, signal: AbortSignal, hooks: NodeRunHooks, element: Element | undefined): Promise<NodeOutcome> {
    let parameters: Record<string, unknown>;
    try {
      parameters = this.hasExpressions(node)
        ? ((await this.evaluator.resolve(node.parameters ?? {}, element ? { ...context.bindings(input), item: element.item, index: element.index } : context.bindings(input))) as Record<string, unknown>)
        : (node.parameters ?? {});
    } catch (error) {
      // An expression that fails on this input fails on every try.
      return { kind: 'failed', error: (error as Error)?.message ?? String(error), errorKind: 'input' };
    }
    try {
      const executor = this.registry.executor(node.type)!;
      return await executor.execute({
        node,
        parameters,
        input,
        inputs,
        executionId: context.execution.id,
        workflowId: context.workflow.id,
        attempt,
        index: element?.index,
        signal,
        credential: async (type) => {
          const data = await this.credentials.resolve(node, type);
          context.addSecrets(data);
          return data;
        },
        respond: (response) => hooks.respond(response),
      });
    } catch (error) {
      // Executors answer failures as outcomes; what they throw is a parameter or credential mistake
      // (NodeInputError, AppError), the stop of a cancelled run, or else a bug of ours.
      const message = (error as Error)?.message ?? String(error);
      if (signal.aborted) return { kind: 'failed', error: message, errorKind: 'outside' };
      if (errorKindOf(error) === 'input') return { kind: 'failed', error: message, errorKind: 'input' };
      this.logger.error(`Node "${node.name}" (${node.type}) of execution ${context.execution.id} threw an unexpected error: ${context.scrub(message)}`, context.scrub((error as Error)?.stack ?? ''));
      return { kind: 'failed', error: message, errorKind: 'internal' };
    }
  }

  private hasExpressions(node: WorkflowNode): boolean {
    let known = this.expressionCache.get(node);
    if (known === undefined) {
      known = containsExpression(node.parameters);
      this.expressionCache.set(node, known);
    }
    return known;
  }
}

export const failed = (error: string, errorKind?: ErrorKind): NodeResult => (errorKind ? { status: 'FAILED', error, errorKind } : { status: 'FAILED', error });

export function reasonOf(signal: AbortSignal): string {
  const reason = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'Aborted';
}
