import { isoTime } from '../common/iso-time.js';
import type { ClaimedExecution } from '../executions/executions.repository.js';
import type { ElementRecord, NodeExecution, ScheduleTriggerData, TriggerData } from '../executions/execution.types.js';
import { MIN_SECRET_LENGTH } from '../common/redaction.js';
import { scrubSecrets } from '../executions/node-records.js';
import type { WebhookResponse } from '../nodes/node-executor.js';
import { waitOutput } from '../nodes/wait.node.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';
import type { ExpressionBindings } from '../expressions/expression-evaluator.js';
import type { LoadedWorkflow } from './workflow-definitions.js';

/**
 * The state of one run: trigger data, node outputs by name, and the node records in the order the
 * nodes started. Records restored from the database (a recovered or retried run) are kept and
 * their nodes are not run again.
 */
export class ExecutionContext {
  readonly records: NodeExecution[] = [];
  private readonly recordByName = new Map<string, NodeExecution>();
  /** `$node`: outputs of the nodes that have finished, by name. */
  readonly outputs: Record<string, unknown> = {};
  /** Records committed before this run: their nodes replay from the record. */
  readonly restored = new Map<string, NodeExecution>();
  /** `$execution` and `$workflow` are the same for every node of a run. */
  private executionBinding: ExpressionBindings['execution'] | undefined;
  private workflowBinding: ExpressionBindings['workflow'] | undefined;
  /** When each running node started, in ms: parsing the record's ISO string back cost more. */
  private readonly startedMs = new Map<string, number>();
  /** Completion order, for "the output of the last node that ran" (docs/webhooks.md lastNode). */
  private lastCompleted: string | null = null;
  /** Records changed since the last commit. */
  dirty = false;
  /** Credential values decrypted during this run: scrubbed from everything stored or answered. */
  readonly secrets = new Set<string>();
  /** The first respondToWebhook answer, kept with the execution for a caller on another replica. */
  webhookResponse: WebhookResponse | null = null;

  constructor(
    readonly execution: ClaimedExecution,
    readonly workflow: LoadedWorkflow,
    readonly resumeUrl: string | null,
  ) {
    for (const record of execution.nodeExecutions ?? []) {
      if (record.status === 'SUCCESS' || (record.status === 'FAILED' && workflow.graph.nodes.get(record.nodeName)?.continueOnFail)) {
        this.restored.set(record.nodeName, record);
      } else if (record.status === 'RUNNING') {
        // In flight when the previous owner died: it runs again, its attempts counted.
        this.restored.set(record.nodeName, record);
      }
    }
  }

  /** A webhook's request, or a schedule's `{ scheduledFor, firedAt, timezone }` (which has no body: `$context` is null). */
  get triggerData(): TriggerData | ScheduleTriggerData | null {
    return this.execution.triggerData;
  }

  bindings(input: unknown): ExpressionBindings {
    const trigger = this.triggerData;
    this.executionBinding ??= { id: this.execution.id, workflowId: this.execution.workflowId, mode: this.execution.mode, resumeUrl: this.resumeUrl };
    this.workflowBinding ??= { id: this.workflow.id, name: this.workflow.name };
    return { trigger, context: (trigger as TriggerData | null)?.body ?? null, json: input, node: this.outputs, execution: this.executionBinding, workflow: this.workflowBinding };
  }

  record(name: string): NodeExecution | undefined {
    return this.recordByName.get(name);
  }

  /**
   * Appends (or, for a node that runs again, moves to the end) the node's record. A recovered forEach
   * record's elements come along: the finished ones are not run again.
   */
  start(node: WorkflowNode, input: unknown, previousAttempts: number, previousElements?: ElementRecord[]): NodeExecution {
    const existing = this.recordByName.get(node.name);
    if (existing) this.records.splice(this.records.indexOf(existing), 1);
    const now = Date.now();
    this.startedMs.set(node.name, now);
    const record: NodeExecution = {
      nodeId: node.id,
      nodeName: node.name,
      nodeType: node.type,
      status: 'RUNNING',
      input,
      output: null,
      error: null,
      attempts: previousAttempts,
      branch: null,
      startedAt: isoTime(now),
      completedAt: null,
      executionTime: null,
    };
    if (previousElements) record.elements = previousElements;
    this.records.push(record);
    this.recordByName.set(node.name, record);
    this.dirty = true;
    return record;
  }

  /** Keeps a restored record as it was and makes its output visible again. */
  replay(record: NodeExecution): void {
    this.records.push(record);
    this.recordByName.set(record.nodeName, record);
    this.outputs[record.nodeName] = record.output;
    this.lastCompleted = record.nodeName;
  }

  finish(record: NodeExecution, status: 'SUCCESS' | 'FAILED', output: unknown, error: string | null, branch: number | null): void {
    const completed = Date.now();
    record.status = status;
    record.output = output;
    record.error = error;
    record.branch = branch;
    record.completedAt = isoTime(completed);
    record.executionTime = completed - (this.startedMs.get(record.nodeName) ?? Date.parse(record.startedAt!));
    this.outputs[record.nodeName] = output;
    this.lastCompleted = record.nodeName;
    this.dirty = true;
  }

  skip(node: WorkflowNode): void {
    if (this.recordByName.has(node.name)) return;
    const record: NodeExecution = {
      nodeId: node.id,
      nodeName: node.name,
      nodeType: node.type,
      status: 'SKIPPED',
      input: null,
      output: null,
      error: null,
      attempts: 0,
      branch: null,
      startedAt: null,
      completedAt: null,
      executionTime: null,
    };
    this.records.push(record);
    this.recordByName.set(node.name, record);
    this.dirty = true;
  }

  /**
   * The wait node this claim continues from (a resumed or timed-out WAITING execution). Another node
   * that paused (executeWorkflow waiting for its children) simply runs again: it finds its children.
   */
  isResumedWait(name: string): boolean {
    return this.execution.waitNode === name && this.workflow.graph.nodes.get(name)?.type === 'wait';
  }

  /** Completes the paused wait node's record with its output (docs/nodes.md wait). */
  continueWait(record: NodeExecution, input: unknown): NodeExecution {
    const node = this.workflow.graph.nodes.get(record.nodeName)!;
    this.records.push(record);
    this.recordByName.set(record.nodeName, record);
    this.finish(record, 'SUCCESS', waitOutput(node.parameters?.mode, this.execution.resumeData, input), null, 0);
    return record;
  }

  /**
   * Final records of an abandoned execution (ExecutionEngine.abandon): the node that was in flight
   * when its runs were lost (known when it committed before an outside effect) FAILED with the
   * reason, what finished kept as it was, every other node SKIPPED.
   */
  abandon(reason: string): void {
    const now = Date.now();
    for (const record of this.execution.nodeExecutions ?? []) {
      if (record.status === 'RUNNING') {
        record.status = 'FAILED';
        record.error = reason;
        record.completedAt = isoTime(now);
        record.executionTime = record.startedAt ? now - Date.parse(record.startedAt) : null;
      }
      this.records.push(record);
      this.recordByName.set(record.nodeName, record);
    }
    for (const node of this.workflow.graph.nodes.values()) this.skip(node);
  }

  /** Drops a record so its node runs again later (a second branch that reached a wait node). */
  forget(record: NodeExecution): void {
    this.records.splice(this.records.indexOf(record), 1);
    this.recordByName.delete(record.nodeName);
  }

  /** The output of the node that finished last, for `lastNode` answers, without secrets. */
  lastOutput(): unknown {
    const output = this.lastCompleted === null ? null : (this.outputs[this.lastCompleted] ?? null);
    return this.secrets.size && output !== null ? JSON.parse(scrubSecrets(JSON.stringify(output), this.secrets)) : output;
  }

  /** A message about to be stored or answered, without secrets. */
  scrub(text: string): string {
    return this.secrets.size ? scrubSecrets(text, this.secrets) : text;
  }

  /** Remembers a decrypted credential's values so they can be scrubbed. */
  addSecrets(data: Record<string, unknown>): void {
    for (const value of Object.values(data)) if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
    // Basic auth sends `user:password` (base64-encoded): echoed back, it is scrubbed whole.
    if (typeof data.username === 'string' && typeof data.password === 'string') this.secrets.add(`${data.username}:${data.password}`);
  }
}
