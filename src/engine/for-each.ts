import type { ElementRecord, NodeExecution } from '../executions/execution.types.js';
import type { ErrorKind, NodeExecutor } from '../nodes/node-executor.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';
import type { ExecutionContext } from './execution-context.js';
import type { NodeResult, NodeRunHooks, NodeRunner } from './node-runner.js';

/** docs/workflows.md: elements per forEach node run. */
export const MAX_FOR_EACH_ELEMENTS = 10_000;
export const MAX_FOR_EACH_CONCURRENCY = 50;
/** Instant elements yield the event loop this often, so a long list does not hold it. */
const INSTANT_ELEMENTS_PER_YIELD = 100;

/** What a forEach element binds: `$item` and `$index` (docs/expressions.md). */
export interface Element {
  item: unknown;
  index: number;
}

export interface ForEachRun {
  context: ExecutionContext;
  node: WorkflowNode;
  executor: NodeExecutor;
  record: NodeExecution;
  input: unknown;
  inputs: unknown[];
  signal: AbortSignal;
  hooks: NodeRunHooks;
}

/**
 * Runs a node once per element of its `forEach` list (docs/lists-and-subworkflows.md): at most `forEachConcurrency`
 * elements at a time, each with the node's retries and timeout; the output is the elements' outputs
 * in element order. Elements start in index order, so `record.elements` is always in element order.
 *
 * Durability: for a node with outside effects every try starts with a commit of what changed (the
 * elements that finished since the last one, and the one starting), serialised so that an older
 * snapshot never lands after a newer one; elements finishing together share one commit. After a
 * crash only the elements in flight run again: a recovered record's finished elements are kept.
 */
export async function runEach(runner: NodeRunner, run: ForEachRun): Promise<NodeResult> {
  const { context, node, executor, record, input, inputs, signal } = run;
  let list: unknown;
  try {
    list = await runner.forEachList(context, node, input);
  } catch (error) {
    record.attempts += 1;
    return { status: 'FAILED', error: (error as Error).message, errorKind: 'input' };
  }
  if (!Array.isArray(list)) {
    record.attempts += 1;
    return { status: 'FAILED', error: `forEach must yield an array, got ${describe(list)}`, errorKind: 'input' };
  }
  if (list.length > MAX_FOR_EACH_ELEMENTS) {
    record.attempts += 1;
    return { status: 'FAILED', error: `forEach yielded ${list.length} elements; a node runs over at most ${MAX_FOR_EACH_ELEMENTS}`, errorKind: 'input' };
  }
  const items: unknown[] = list;
  const previous = new Map((record.elements ?? []).map((element) => [element.index, element]));
  const elements: ElementRecord[] = [];
  record.elements = elements;
  const outputs: unknown[] = new Array(items.length).fill(null);
  const hooks = executor.description.sideEffects ? { ...run.hooks, beforeSideEffect: serialisedCommit(context, run.hooks) } : run.hooks;
  const instant = executor.description.instant === true;
  let next = 0;
  let failure: string | null = null;
  let failedIndex = -1;
  let failureKind: ErrorKind | undefined;
  /** An element paused (an executeWorkflow child still running): the node pauses once the others settle. */
  let paused = false;

  const worker = async () => {
    while (failure === null && !signal.aborted && next < items.length) {
      const index = next++;
      const done = previous.get(index);
      if (done && (done.status === 'SUCCESS' || (done.status === 'FAILED' && node.continueOnFail))) {
        elements.push(done);
        outputs[index] = done.output;
        continue;
      }
      if (instant && index % INSTANT_ELEMENTS_PER_YIELD === INSTANT_ELEMENTS_PER_YIELD - 1) await new Promise(setImmediate);
      const element: ElementRecord = { index, status: 'RUNNING', attempts: done?.attempts ?? 0, output: null, error: null };
      elements.push(element);
      context.dirty = true;
      const result = await runner.tries(context, node, executor, element, input, inputs, signal, hooks, { item: items[index], index });
      context.dirty = true;
      if (result.status === 'SUCCESS') {
        element.status = 'SUCCESS';
        element.output = result.output;
        outputs[index] = result.output;
        continue;
      }
      if (result.status === 'WAITING') {
        // This worker's slot stays taken by the element until the execution continues: it runs the
        // element again then (it stays RUNNING in the record), and the elements after it.
        paused = true;
        return;
      }
      const error = result.error;
      element.status = 'FAILED';
      element.error = error;
      if (result.errorKind) element.errorKind = result.errorKind;
      if (node.continueOnFail && !signal.aborted) {
        element.output = { error };
        outputs[index] = element.output;
      } else {
        if (failure === null) {
          failure = `element ${index} failed: ${error}`;
          failedIndex = index;
          failureKind = result.errorKind;
        }
      }
    }
  };

  // A commit that throws (the database gone) ends the run like any node's: but only once no other
  // element is still running, so that nothing of this run keeps calling out behind the error.
  let thrown: { error: unknown } | null = null;
  const guarded = () =>
    worker().catch((error) => {
      thrown ??= { error };
      failure ??= 'stopped';
    });
  const concurrency = Math.max(1, Math.min(node.forEachConcurrency ?? 1, MAX_FOR_EACH_CONCURRENCY, items.length));
  await Promise.all(Array.from({ length: concurrency }, guarded));
  if (thrown) throw (thrown as { error: unknown }).error;
  record.attempts = elements.reduce((sum, element) => sum + element.attempts, 0);
  if (signal.aborted) return { status: 'FAILED', error: abortReason(signal) };
  if (failure !== null) {
    record.elements = await settleTheRest(context, node, executor, elements, previous, failedIndex);
    record.attempts = record.elements.reduce((sum, element) => sum + element.attempts, 0);
    return failureKind ? { status: 'FAILED', error: failure, errorKind: failureKind } : { status: 'FAILED', error: failure };
  }
  if (paused) return { status: 'WAITING', until: null };
  return { status: 'SUCCESS', output: outputs, branch: 0 };
}

/**
 * The node failed on element `failedIndex` (docs/lists-and-subworkflows.md): the elements this run
 * did not reach keep their earlier records, and what other elements started that still runs
 * elsewhere (an executeWorkflow element's child) is stopped and recorded CANCELED, so that nothing
 * of a failed node goes on behind it. Answers the records in element order.
 */
async function settleTheRest(context: ExecutionContext, node: WorkflowNode, executor: NodeExecutor, elements: ElementRecord[], previous: Map<number, ElementRecord>, failedIndex: number): Promise<ElementRecord[]> {
  const byIndex = new Map(elements.map((element) => [element.index, element]));
  for (const [index, element] of previous) if (!byIndex.has(index)) byIndex.set(index, element);
  const stopped = executor.stopElements ? await executor.stopElements({ executionId: context.execution.id, node }) : [];
  for (const index of stopped) {
    const element = byIndex.get(index);
    const canceled: ElementRecord = { index, status: 'CANCELED', attempts: element?.attempts ?? 0, output: null, error: `Canceled: element ${failedIndex} failed` };
    byIndex.set(index, element?.attemptErrors ? { ...canceled, attemptErrors: element.attemptErrors } : canceled);
  }
  context.dirty = true;
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/**
 * The engine's commit hook, one commit at a time: a caller waits for the commit in flight, then
 * commits again only if something changed meanwhile, so concurrent elements share commits.
 */
function serialisedCommit(context: ExecutionContext, hooks: NodeRunHooks): () => Promise<void> {
  let committing: Promise<void> | null = null;
  return async () => {
    while (committing) await committing.catch(() => undefined);
    if (!context.dirty) return;
    committing = hooks.beforeSideEffect().finally(() => (committing = null));
    await committing;
  };
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function abortReason(signal: AbortSignal): string {
  const reason = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'Aborted';
}
