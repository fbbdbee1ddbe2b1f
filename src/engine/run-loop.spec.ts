import { describe, expect, it } from 'vitest';
import type { NodeExecution } from '../executions/execution.types.js';
import type { WorkflowDefinition, WorkflowNode } from '../workflows/workflow.types.js';
import { ExecutionContext } from './execution-context.js';
import type { NodeResult, NodeRunHooks, NodeRunner } from './node-runner.js';
import { runGraph } from './run-loop.js';
import { WorkflowGraph } from './workflow-graph.js';

/** What the fake runner does for one node: a result, optionally after other nodes have started. */
type Script = (input: unknown, inputs: unknown[]) => NodeResult | Promise<NodeResult>;

/** A NodeRunner that only follows a script per node name and logs the order of starts and ends. */
class ScriptedRunner {
  readonly log: string[] = [];
  readonly inputs = new Map<string, unknown[]>();

  constructor(private readonly scripts: Record<string, Script> = {}) {}

  async run(_context: ExecutionContext, node: WorkflowNode, record: NodeExecution, input: unknown, inputs: unknown[]): Promise<NodeResult> {
    record.attempts += 1;
    this.log.push(`start ${node.name}`);
    this.inputs.set(node.name, inputs);
    const script = this.scripts[node.name] ?? ((value: unknown) => ({ status: 'SUCCESS', output: { from: node.name, got: value ?? null }, branch: 0 }));
    const result = await script(input, inputs);
    this.log.push(`end ${node.name}`);
    return result;
  }
}

const hooks: NodeRunHooks = { beforeSideEffect: async () => {}, respond: () => {} };

/** A workflow from node names (the first is the trigger) and `[from, to, output?, inputIndex?]` edges. */
function workflow(names: string[], edges: Array<[string, string, number?, number?]>, extra: Partial<Record<string, Partial<WorkflowNode>>> = {}) {
  const nodes: WorkflowNode[] = names.map((name, index) => ({ id: `n${index}`, name, type: index === 0 ? 'trigger' : 'set', parameters: {}, ...extra[name] }) as WorkflowNode);
  const connections: WorkflowDefinition['connections'] = {};
  for (const [from, to, output = 0, index = 0] of edges) {
    const main = (connections[from] ??= { main: [] }).main;
    (main[output] ??= []).push({ node: to, type: 'main', index });
  }
  const graph = new WorkflowGraph({ nodes, connections, settings: {} } as WorkflowDefinition);
  return { id: 'wf', name: 'test', version: 1, settings: {}, graph, pure: false, firstCall: null };
}

function contextFor(loaded: ReturnType<typeof workflow>, restored: NodeExecution[] = [], waitNode: string | null = null) {
  return new ExecutionContext(
    {
      id: 'ex',
      workflowId: 'wf',
      workflowVersion: 1,
      webhookId: null,
      userId: 'u',
      mode: 'manual',
      triggerData: { body: { n: 1 }, headers: {}, query: {}, method: 'POST', receivedAt: '2026-01-01T00:00:00.000Z' },
      nodeExecutions: restored,
      attempt: 1,
      lostRuns: 0,
      startedAt: new Date(),
      waitNode,
      resumeData: null,
    },
    loaded,
    null,
  );
}

const statuses = (context: ExecutionContext) => Object.fromEntries(context.records.map((record) => [record.nodeName, record.status]));
const run = (context: ExecutionContext, runner: ScriptedRunner, signal = new AbortController().signal) => runGraph(context, runner as unknown as NodeRunner, signal, hooks);

describe('runGraph', () => {
  it('runs a chain in order, each node getting the previous output, and completes', async () => {
    const context = contextFor(workflow(['T', 'A', 'B'], [['T', 'A'], ['A', 'B']]));
    const runner = new ScriptedRunner();
    await expect(run(context, runner)).resolves.toEqual({ status: 'COMPLETED' });
    expect(runner.log).toEqual(['start T', 'end T', 'start A', 'end A', 'start B', 'end B']);
    expect(context.records.map((record) => record.nodeName)).toEqual(['T', 'A', 'B']);
    expect(context.outputs.B).toEqual({ from: 'B', got: { from: 'A', got: { from: 'T', got: { body: { n: 1 }, headers: {}, query: {}, method: 'POST', receivedAt: '2026-01-01T00:00:00.000Z' } } } });
  });

  it('skips, recursively, what lies behind an output not taken, and runs a join once with its live input', async () => {
    // T → C; C output 0 → Yes → Deep; C output 1 → No; Yes and No both feed Join.
    const loaded = workflow(['T', 'C', 'Yes', 'Deep', 'No', 'Join'], [['T', 'C'], ['C', 'Yes', 0], ['Yes', 'Deep'], ['C', 'No', 1], ['Yes', 'Join', 0, 0], ['No', 'Join', 0, 1]]);
    const runner = new ScriptedRunner({ C: (input) => ({ status: 'SUCCESS', output: input, branch: 1 }) });
    const context = contextFor(loaded);
    await expect(run(context, runner)).resolves.toEqual({ status: 'COMPLETED' });
    expect(statuses(context)).toEqual({ T: 'SUCCESS', C: 'SUCCESS', Yes: 'SKIPPED', Deep: 'SKIPPED', No: 'SUCCESS', Join: 'SUCCESS' });
    expect(runner.log.filter((line) => line === 'start Join')).toHaveLength(1);
    // Input 0 did not run: $json is the first input that did.
    expect((context.outputs.Join as { got: unknown }).got).toEqual(context.outputs.No);
  });

  it('skips a join when all its inputs were skipped', async () => {
    const loaded = workflow(['T', 'C', 'A', 'B', 'Join'], [['T', 'C'], ['C', 'A', 0], ['C', 'B', 0], ['A', 'Join', 0, 0], ['B', 'Join', 0, 1]]);
    const context = contextFor(loaded);
    await run(context, new ScriptedRunner({ C: () => ({ status: 'SUCCESS', output: null, branch: null }) }));
    expect(statuses(context)).toEqual({ T: 'SUCCESS', C: 'SUCCESS', A: 'SKIPPED', B: 'SKIPPED', Join: 'SKIPPED' });
  });

  it('runs independent branches concurrently and a merge after both, with inputs by index', async () => {
    let releaseA!: () => void;
    const aHeld = new Promise<void>((resolve) => (releaseA = resolve));
    const runner = new ScriptedRunner({
      A: async () => {
        await aHeld;
        return { status: 'SUCCESS', output: 'a', branch: 0 };
      },
      B: () => {
        releaseA(); // B starts while A is still running, or the test never ends.
        return { status: 'SUCCESS', output: 'b', branch: 0 };
      },
    });
    const context = contextFor(workflow(['T', 'A', 'B', 'M'], [['T', 'A'], ['T', 'B'], ['A', 'M', 0, 0], ['B', 'M', 0, 1]]));
    await expect(run(context, runner)).resolves.toEqual({ status: 'COMPLETED' });
    expect(runner.log.indexOf('start B')).toBeLessThan(runner.log.indexOf('end A'));
    expect(runner.inputs.get('M')).toEqual(['a', 'b']);
  });

  it('fails the execution naming the node, and records what did not run as SKIPPED', async () => {
    const context = contextFor(workflow(['T', 'A', 'B', 'Other'], [['T', 'A'], ['A', 'B'], ['T', 'Other']]));
    const result = await run(context, new ScriptedRunner({ A: () => ({ status: 'FAILED', error: 'boom' }) }));
    expect(result).toMatchObject({ status: 'FAILED', error: 'Node "A" failed: boom' });
    expect(statuses(context)).toMatchObject({ A: 'FAILED', B: 'SKIPPED' });
    expect(context.record('A')?.error).toBe('boom');
  });

  it('goes on after a failure under continueOnFail, passing { error } on', async () => {
    const context = contextFor(workflow(['T', 'A', 'B'], [['T', 'A'], ['A', 'B']], { A: { continueOnFail: true } }));
    const runner = new ScriptedRunner({ A: () => ({ status: 'FAILED', error: 'boom' }) });
    await expect(run(context, runner)).resolves.toEqual({ status: 'COMPLETED' });
    expect(statuses(context)).toEqual({ T: 'SUCCESS', A: 'FAILED', B: 'SUCCESS' });
    expect((context.outputs.B as { got: unknown }).got).toEqual({ error: 'boom' });
  });

  it('pauses at a wait node: nothing behind it runs, and the pause names the node and time', async () => {
    const until = new Date(Date.now() + 60_000);
    const context = contextFor(workflow(['T', 'W', 'After'], [['T', 'W'], ['W', 'After']]));
    const runner = new ScriptedRunner({ W: () => ({ status: 'WAITING', until }) });
    await expect(run(context, runner)).resolves.toEqual({ status: 'WAITING', node: 'W', until });
    expect(context.record('After')).toBeUndefined();
  });

  it('replays committed records instead of running their nodes again', async () => {
    const restored: NodeExecution = {
      nodeId: 'n1', nodeName: 'A', nodeType: 'set', status: 'SUCCESS', input: null, output: { kept: true }, error: null,
      attempts: 1, branch: 0, startedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:00.001Z', executionTime: 1,
    };
    const context = contextFor(workflow(['T', 'A', 'B'], [['T', 'A'], ['A', 'B']]), [restored]);
    const runner = new ScriptedRunner();
    await expect(run(context, runner)).resolves.toEqual({ status: 'COMPLETED' });
    expect(runner.log).not.toContain('start A');
    expect((context.outputs.B as { got: unknown }).got).toEqual({ kept: true });
  });

  it('ends FAILED with the abort reason when the execution is cancelled, skipping the rest', async () => {
    const controller = new AbortController();
    const runner = new ScriptedRunner({
      A: () => {
        controller.abort(new Error('Execution canceled'));
        return { status: 'FAILED', error: 'aborted' };
      },
    });
    const context = contextFor(workflow(['T', 'A', 'B'], [['T', 'A'], ['A', 'B']], { A: { continueOnFail: true } }));
    await expect(run(context, runner, controller.signal)).resolves.toMatchObject({ status: 'FAILED', error: 'Execution canceled' });
    expect(statuses(context)).toMatchObject({ A: 'FAILED', B: 'SKIPPED' });
  });
});
