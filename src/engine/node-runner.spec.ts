import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import type { NodeExecution } from '../executions/execution.types.js';
import type { NodeExecutor, NodeOutcome, NodeRunContext } from '../nodes/node-executor.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import type { WorkflowDefinition, WorkflowNode } from '../workflows/workflow.types.js';
import type { CredentialResolver } from './credential-resolver.js';
import { ExecutionContext } from './execution-context.js';
import { ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import { NodeRunner, type NodeRunHooks } from './node-runner.js';
import { WorkflowGraph } from './workflow-graph.js';

/** A node type whose tries follow a script: each call takes the next outcome (or hangs on 'hang'). */
function scriptedType(outcomes: Array<NodeOutcome | 'hang'>, options: { sideEffects?: boolean; instant?: boolean } = {}) {
  const tries: Array<{ at: number; attempt: number; parameters: Record<string, unknown>; signal: AbortSignal }> = [];
  const executor: NodeExecutor = {
    description: {
      type: 'scripted',
      displayName: 'Scripted',
      parameters: { type: 'object', properties: {} },
      credentials: { types: [], required: false },
      outputs: () => 1,
      sideEffects: options.sideEffects ?? true,
      instant: options.instant,
    },
    execute(context: NodeRunContext): Promise<NodeOutcome> {
      tries.push({ at: performance.now(), attempt: context.attempt, parameters: context.parameters, signal: context.signal });
      const next = outcomes[Math.min(tries.length - 1, outcomes.length - 1)];
      if (next === 'hang') return new Promise(() => {});
      return Promise.resolve(next);
    },
  };
  return { executor, tries };
}

function setup(executor: NodeExecutor, node: Partial<WorkflowNode>, commit?: () => Promise<void>) {
  const registry = new NodeRegistry([executor]);
  const runner = new NodeRunner(registry, new ExpressionEvaluator(), {} as CredentialResolver);
  const full = { id: 'n1', name: 'Node', type: 'scripted', parameters: {}, ...node } as WorkflowNode;
  const trigger = { id: 'n0', name: 'T', type: 'trigger', parameters: {} } as WorkflowNode;
  const graph = new WorkflowGraph({ nodes: [trigger, full], connections: { T: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } }, settings: {} } as WorkflowDefinition);
  const context = new ExecutionContext(
    {
      id: 'ex', workflowId: 'wf', workflowVersion: 1, webhookId: null, userId: 'u', mode: 'manual',
      triggerData: { body: { who: 'ada' }, headers: {}, query: {}, method: 'POST', receivedAt: '2026-01-01T00:00:00.000Z' },
      nodeExecutions: [], attempt: 1, lostRuns: 0, startedAt: new Date(), waitNode: null, resumeData: null,
    },
    { id: 'wf', name: 'test', version: 1, settings: {}, graph, pure: false, firstCall: null },
    null,
  );
  let commits = 0;
  const hooks: NodeRunHooks = { beforeSideEffect: commit ?? (async () => void (commits += 1)), respond: () => {} };
  const record: NodeExecution = context.start(full, null, 0);
  return {
    record,
    commits: () => commits,
    run: (signal = new AbortController().signal) => runner.run(context, full, record, { n: 1 }, [{ n: 1 }], signal, hooks),
  };
}

const fail = (error: string): NodeOutcome => ({ kind: 'failed', error });
const ok = (output: unknown): NodeOutcome => ({ kind: 'success', output });

describe('NodeRunner', () => {
  it('tries once without retryOnFail and reports the error', async () => {
    const { executor, tries } = scriptedType([fail('down'), ok('never')]);
    const { run, record } = setup(executor, {});
    await expect(run()).resolves.toEqual({ status: 'FAILED', error: 'down', errorKind: 'outside' });
    expect(tries).toHaveLength(1);
    expect(record.attempts).toBe(1);
    expect(record.attemptErrors).toBeUndefined();
  });

  it('retries up to maxTries, doubling the wait, and succeeds on a later try', async () => {
    const { executor, tries } = scriptedType([fail('1'), fail('2'), ok({ done: true })]);
    const { run, record, commits } = setup(executor, { retryOnFail: true, maxTries: 3, waitBetweenTries: 40 });
    await expect(run()).resolves.toEqual({ status: 'SUCCESS', output: { done: true }, branch: 0 });
    expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
    expect(record.attempts).toBe(3);
    // Every failed try's error stays in the record, for the view and the API.
    expect(record.attemptErrors).toEqual(['1', '2']);
    const gaps = [tries[1].at - tries[0].at, tries[2].at - tries[1].at];
    expect(gaps[0]).toBeGreaterThanOrEqual(38);
    expect(gaps[1]).toBeGreaterThanOrEqual(78); // doubled
    // What came before is committed before every try of a node with outside effects.
    expect(commits()).toBe(3);
  });

  it('stops after maxTries with the last error', async () => {
    const { executor, tries } = scriptedType([fail('first'), fail('second'), fail('last')]);
    const { run, record } = setup(executor, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
    await expect(run()).resolves.toEqual({ status: 'FAILED', error: 'last', errorKind: 'outside' });
    expect(tries).toHaveLength(3);
    expect(record.attemptErrors).toEqual(['first', 'second', 'last']);
  });

  it('does not retry a failure of its input: a wrong parameter is wrong on every try', async () => {
    const { executor, tries } = scriptedType([{ kind: 'failed', error: 'parameter "mode" must be duration or resume', errorKind: 'input' }, ok('never')]);
    const { run, record } = setup(executor, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
    await expect(run()).resolves.toEqual({ status: 'FAILED', error: 'parameter "mode" must be duration or resume', errorKind: 'input' });
    expect(tries).toHaveLength(1);
    expect(record.attempts).toBe(1);
  });

  it('fails a node whose expression cannot be evaluated as an input fault, without calling it', async () => {
    const { executor, tries } = scriptedType([ok('never')]);
    const { run } = setup(executor, { parameters: { n: '{{ $number("x") }}' }, retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
    await expect(run()).resolves.toMatchObject({ status: 'FAILED', errorKind: 'input', error: expect.stringContaining('Expression error') });
    expect(tries).toHaveLength(0);
  });

  it('logs an unexpected exception at error level with its stack, and does not retry it', async () => {
    const bug = scriptedType([ok('unused')]);
    const executor: NodeExecutor = { ...bug.executor, execute: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'id')")) };
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { run, record } = setup(executor, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });
      await expect(run()).resolves.toEqual({ status: 'FAILED', error: "Cannot read properties of undefined (reading 'id')", errorKind: 'internal' });
      expect(record.attempts).toBe(1);
      expect(logged).toHaveBeenCalledTimes(1);
      const [message, stack] = logged.mock.calls[0] as [string, string];
      expect(message).toContain('Node "Node" (scripted) of execution ex threw an unexpected error');
      expect(stack).toMatch(/^TypeError: Cannot read properties of undefined[\s\S]*\n\s+at /);
    } finally {
      logged.mockRestore();
    }
  });

  it('times a try out after timeoutMs, aborts its signal, and retries', async () => {
    const { executor, tries } = scriptedType(['hang', ok('second try')]);
    const { run } = setup(executor, { timeoutMs: 50, retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
    await expect(run()).resolves.toEqual({ status: 'SUCCESS', output: 'second try', branch: 0 });
    expect(tries[0].signal.aborted).toBe(true);
    expect(tries[0].signal.reason.message).toBe('Node timed out after 50 ms');
  });

  it('reports a timeout as the failure when no try is left', async () => {
    const { executor } = scriptedType(['hang']);
    const { run } = setup(executor, { timeoutMs: 30 });
    await expect(run()).resolves.toEqual({ status: 'FAILED', error: 'Node timed out after 30 ms', errorKind: 'outside' });
  });

  it('stops retrying when the execution is cancelled during the wait between tries', async () => {
    const { executor, tries } = scriptedType([fail('down')]);
    const { run } = setup(executor, { retryOnFail: true, maxTries: 5, waitBetweenTries: 10_000 });
    const controller = new AbortController();
    const result = run(controller.signal);
    setTimeout(() => controller.abort(new Error('Execution canceled')), 20);
    await expect(result).resolves.toEqual({ status: 'FAILED', error: 'Execution canceled' });
    expect(tries).toHaveLength(1);
  });

  it('resolves expressions in parameters before the executor sees them', async () => {
    const { executor, tries } = scriptedType([ok(null)]);
    const { run } = setup(executor, { parameters: { greeting: 'Hello {{ $context.who }}', n: '{{ $json.n + 1 }}' } });
    await run();
    expect(tries[0].parameters).toEqual({ greeting: 'Hello ada', n: 2 });
  });

  it('fails the node with the parameter path when an expression fails at run time', async () => {
    const { executor, tries } = scriptedType([ok(null)]);
    const { run } = setup(executor, { parameters: { value: '{{ $number("not a number") }}' } });
    const result = await run();
    expect(result.status).toBe('FAILED');
    expect((result as { error: string }).error).toMatch(/^Expression error in parameter "value"/);
    expect(tries).toHaveLength(0);
  });

  it('passes the input through a disabled node without running it', async () => {
    const { executor, tries } = scriptedType([fail('must not run')]);
    const { run } = setup(executor, { disabled: true });
    await expect(run()).resolves.toEqual({ status: 'SUCCESS', output: { n: 1 }, branch: 0 });
    expect(tries).toHaveLength(0);
  });
});

describe('NodeRunner under forEach', () => {
  const list = (n: number) => `{{ [1..${n}] }}`;

  it('gives each element its own timeout; with continueOnFail a timed-out element outputs { error }', async () => {
    const { executor, tries } = scriptedType([ok('a'), 'hang', ok('c')]);
    const { run, record } = setup(executor, { forEach: list(3), timeoutMs: 50, continueOnFail: true });
    await expect(run()).resolves.toEqual({ status: 'SUCCESS', output: ['a', { error: 'Node timed out after 50 ms' }, 'c'], branch: 0 });
    expect(tries).toHaveLength(3);
    expect(record.elements!.map((e) => e.status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
  });

  it('never runs two commits at once, and commits before every element with outside effects', async () => {
    const { executor, tries } = scriptedType([ok(1)]);
    let active = 0;
    let overlap = false;
    let commits = 0;
    const { run } = setup(executor, { forEach: list(30), forEachConcurrency: 10 }, async () => {
      active += 1;
      overlap ||= active > 1;
      commits += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
      active -= 1;
    });
    const result = await run();
    expect(result.status).toBe('SUCCESS');
    expect(tries).toHaveLength(30);
    expect(overlap).toBe(false);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThanOrEqual(30);
  });

  it('stops every element when a commit throws, and rethrows once none is running', async () => {
    const { executor, tries } = scriptedType([ok(1)]);
    let commits = 0;
    const { run } = setup(executor, { forEach: list(50), forEachConcurrency: 5 }, async () => {
      commits += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (commits === 8) throw new Error('database down');
    });
    await expect(run()).rejects.toThrow('database down');
    const triesAtThrow = tries.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tries.length).toBe(triesAtThrow);
    expect(triesAtThrow).toBeLessThan(50);
  });

  it('binds $item and $index and passes the index to the executor', async () => {
    const seen: Array<[unknown, number | undefined]> = [];
    const { executor } = scriptedType([ok(null)]);
    const execute = executor.execute.bind(executor);
    executor.execute = (context) => {
      seen.push([context.parameters.value, context.index]);
      return execute(context);
    };
    const { run } = setup(executor, { forEach: '{{ ["x", "y"] }}', parameters: { value: '{{ $item & "-" & $index }}' } });
    await run();
    expect(seen).toEqual([['x-0', 0], ['y-1', 1]]);
  });
});
