import type { WorkflowNode } from '../workflows/workflow.types.js';
import type { ExecutionContext } from './execution-context.js';
import type { NodeResult, NodeRunHooks, NodeRunner } from './node-runner.js';
import type { Edge } from './workflow-graph.js';

export type RunResult =
  | { status: 'COMPLETED' }
  /** `node`: the node whose failure ended the run (or one a timeout or cancel interrupted), if any. */
  | { status: 'FAILED'; error: string; node?: string }
  /** Paused at a wait node; the committed records let a later claim continue from there. */
  | { status: 'WAITING'; node: string; until: Date | null };

/**
 * Walks the graph (docs/workflows.md): starts at the trigger; a finished node makes the targets of the output
 * it took eligible and marks the others' edges dead; a node runs once all its incoming edges are
 * resolved and at least one is live, and is skipped when all are dead. Independent branches run
 * concurrently. Scheduling only: running a node is the NodeRunner's job, persisting the hooks'.
 * Nodes with a committed record (a recovered, resumed or retried execution) replay from it.
 */
export async function runGraph(context: ExecutionContext, runner: NodeRunner, signal: AbortSignal, hooks: NodeRunHooks): Promise<RunResult> {
  const graph = context.workflow.graph;
  const unresolved = new Map<string, number>();
  const liveInputs = new Map<string, unknown[]>();
  for (const [name, edges] of graph.incoming) unresolved.set(name, edges.length);
  const running = new Set<Promise<void>>();
  let failure: string | null = null;
  let failedNode: string | undefined;
  let waiting: { node: string; until: Date | null } | null = null;

  const resolveEdge = (edge: Edge, live: boolean, output: unknown) => {
    const inputs = liveInputs.get(edge.to) ?? [];
    if (live) inputs[edge.inputIndex] = output;
    liveInputs.set(edge.to, inputs);
    const left = unresolved.get(edge.to)! - 1;
    unresolved.set(edge.to, left);
    if (left > 0) return;
    if (inputs.some((_, index) => index in inputs)) schedule(graph.nodes.get(edge.to)!, inputs);
    else skip(graph.nodes.get(edge.to)!);
  };

  const propagate = (name: string, branch: number | null, output: unknown) => {
    const outputs = graph.outgoing.get(name) ?? [];
    outputs.forEach((edges, index) => (edges ?? []).forEach((edge) => resolveEdge(edge, index === branch, output)));
  };

  const skip = (node: WorkflowNode) => {
    context.skip(node);
    propagate(node.name, null, null);
  };

  const settle = (node: WorkflowNode, record: ReturnType<ExecutionContext['start']>, result: NodeResult) => {
    switch (result.status) {
      case 'SUCCESS':
        context.finish(record, 'SUCCESS', result.output, null, result.branch);
        propagate(node.name, result.branch, result.output);
        return;
      case 'WAITING':
        // One pause at a time: a second branch reaching a wait node runs it again on resume.
        if (waiting) context.forget(record);
        else waiting = { node: node.name, until: result.until };
        return;
      case 'FAILED':
        if (result.errorKind) record.errorKind = result.errorKind;
        if (node.continueOnFail && !signal.aborted) {
          const output = { error: result.error };
          context.finish(record, 'FAILED', output, result.error, 0);
          propagate(node.name, 0, output);
        } else {
          context.finish(record, 'FAILED', null, result.error, null);
          failure ??= `Node "${node.name}" failed: ${result.error}`;
          failedNode ??= node.name;
        }
    }
  };

  const schedule = (node: WorkflowNode, inputs: unknown[]) => {
    if (failure !== null || waiting !== null || signal.aborted) return;
    // $json: input 0 when it ran, else the first input that ran.
    const input = 0 in inputs ? inputs[0] : inputs.find((_, index) => index in inputs);
    const restored = context.restored.get(node.name);
    if (restored && restored.status !== 'RUNNING') {
      context.replay(restored);
      propagate(node.name, restored.status === 'SUCCESS' ? (restored.branch ?? 0) : 0, restored.output);
      return;
    }
    if (restored && context.isResumedWait(node.name)) {
      const record = context.continueWait(restored, input ?? null);
      propagate(node.name, 0, record.output);
      return;
    }
    // The trigger's input is the request itself, already its output: recorded once, as output.
    const record = context.start(node, node === graph.trigger ? null : (input ?? null), restored?.attempts ?? 0, restored?.elements);
    const started = performance.now();
    const task = runner
      .run(context, node, record, input ?? null, inputs, signal, hooks)
      .then((result) => {
        hooks.nodeSettled?.(node, result, performance.now() - started);
        settle(node, record, result);
      })
      .finally(() => running.delete(task));
    running.add(task);
  };

  schedule(graph.trigger, [context.triggerData]);
  while (running.size > 0) await Promise.race(running);

  // A timeout or cancellation explains the end better than the node it interrupted.
  if (signal.aborted) return finishSkipped(context, { status: 'FAILED', error: abortReason(signal), node: failedNode });
  if (failure !== null) return finishSkipped(context, { status: 'FAILED', error: failure, node: failedNode });
  const paused = waiting as { node: string; until: Date | null } | null;
  if (paused) return { status: 'WAITING', node: paused.node, until: paused.until };
  return finishSkipped(context, { status: 'COMPLETED' });
}

/** Whatever did not run (unreachable, behind a failure, or cut off) is recorded SKIPPED. */
function finishSkipped(context: ExecutionContext, result: RunResult): RunResult {
  for (const node of context.workflow.graph.nodes.values()) if (!context.record(node.name)) context.skip(node);
  return result;
}

function abortReason(signal: AbortSignal): string {
  const reason = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'Aborted';
}
