import { Inject, Injectable, Logger } from '@nestjs/common';
import { context as otelContext } from '@opentelemetry/api';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Batcher } from '../common/batcher.js';
import { ExecutionsRepository, type ClaimedExecution, type FinalState, type ProgressState } from '../executions/executions.repository.js';
import { serializeNodeRecords, serializeNodeRecordsOrExplain, storableFailure, toJsonb, UnstorableResultError } from '../executions/node-records.js';
import { settleExecutionSpan, tagWorkflow, traceExecutionRun } from '../tracing/spans.js';
import { tracer } from '../tracing/tracing.js';
import { ExecutionContext } from './execution-context.js';
import type { WebhookResponse } from '../nodes/node-executor.js';
import { NodeRunner } from './node-runner.js';
import { ResumeTokens } from './resume-tokens.js';
import { logExecutionEnd, logNodeFailure } from '../executions/execution-log.js';
import { ExecutionLifecycle, type ExecutionRef, type NodeSettled } from '../executions/execution-lifecycle.js';
import { runGraph, type RunResult } from './run-loop.js';
import { WorkflowDefinitions, type LoadedWorkflow } from './workflow-definitions.js';

/** Abort reason when the process stops: the execution is released to another worker, not failed. */
export const SHUTDOWN = new Error('The worker is shutting down');
export const CANCELED = new Error('Canceled');
/** Abort reason when this process's lease was taken over (or the execution ended elsewhere). */
export const LEASE_LOST = new Error('Lease lost');

interface ActiveRun {
  controller: AbortController;
  attempt: number;
}

/** A pure workflow's run, finished before its execution was stored (runBeforeCommit). */
export interface FinishedRun {
  status: 'COMPLETED' | 'FAILED';
  /** Serialised as completeMany would store them. */
  nodeExecutionsJson: string;
  error: string | null;
  /** The node whose failure ended the run, for the log. */
  failedNode: string | undefined;
  /** The output of the last node that ran, for a `lastNode` answer. */
  output: unknown;
  startedAt: Date;
  completedAt: Date;
  /** Node timings, emitted once the execution is committed (reportCommitted). */
  nodes: NodeSettled[];
}

/**
 * A RUNNING execution taken over after its owner lost it more often than this is abandoned, FAILED,
 * instead of run again (ExecutionsRepository.claimMany counts `lostRuns`): a run that ends its
 * process every time, or stalls past its lease every time, must not be claimed forever, repeating
 * its outside calls on each takeover.
 */
export const MAX_LOST_RUNS = 3;

/** firstCallTemplates' stand-in execution: its records hold nothing of the execution itself. */
const TEMPLATE_EXECUTION: ClaimedExecution = {
  id: '00000000-0000-0000-0000-000000000000',
  workflowId: '',
  workflowVersion: 0,
  webhookId: null,
  userId: '',
  mode: 'webhook',
  triggerData: null,
  nodeExecutions: [],
  attempt: 1,
  lostRuns: 0,
  startedAt: new Date(0),
  waitNode: null,
  resumeData: null,
};

/** Pure runs have no timeout timer and nothing to cancel: they end within their expressions' bounds. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs claimed executions to their end (docs/executions.md): builds the context, walks the graph, commits
 * progress before outside effects and the final state at the end, fenced by the claim's attempt.
 */
@Injectable()
export class ExecutionEngine {
  private readonly logger = new Logger('ExecutionEngine');
  /** Identifies this process as a lease owner. */
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly active = new Map<string, ActiveRun>();
  /** Per final state: whether it was written, or the error the database refused it with. */
  private readonly completions: Batcher<FinalState, boolean | Error>;
  /** Per progress commit: whether it was written, or the error the database refused it with. */
  private readonly progress: Batcher<ProgressState, boolean | Error>;
  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly definitions: WorkflowDefinitions,
    private readonly runner: NodeRunner,
    private readonly resumeTokens: ResumeTokens,
    /** What happens to the runs (started, nodes settled, suspended, finished) goes out here; metrics, waiters and the queue listen. */
    private readonly lifecycle: ExecutionLifecycle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    lifecycle.on('canceled', ({ id }) => this.abort(id, CANCELED));
    // Final states of many executions go out in one statement under load.
    this.completions = new Batcher(async (submitted) => {
      // Two runs of one execution in a batch (runs without a claim, runUnclaimed, share attempt 0):
      // the statement would write either of them, so only the first is sent, and the other loses.
      const states = uniqueIds(submitted);
      const sent = states === submitted ? undefined : new Set(states);
      try {
        const accepted = await this.executions.completeMany(states);
        return submitted.map((state) => (!sent || sent.has(state)) && accepted.has(state.id));
      } catch (error) {
        // One row the database refuses fails the whole statement: then each is written alone, so
        // only the execution to blame learns of it (and fails, failUnstorable).
        if (states.length === 1 || !isDataException(error)) throw error;
        return Promise.all(submitted.map((state) => (!sent || sent.has(state) ? this.executions.completeMany([state]).then((accepted) => accepted.has(state.id), (alone: Error) => alone) : false)));
      }
    });
    // Progress commits before outside calls too: under load, one UPDATE for every execution that
    // reached its next outside call meanwhile, instead of one transaction each.
    this.progress = new Batcher(async (states) => {
      try {
        const accepted = await this.executions.saveProgressMany(states);
        return states.map((state) => accepted.has(state.id));
      } catch (error) {
        if (states.length === 1 || !isDataException(error)) throw error;
        return Promise.all(states.map((state) => this.executions.saveProgressMany([state]).then((accepted) => accepted.has(state.id), (alone: Error) => alone)));
      }
    });
  }

  /** Runs of this process (each holds a lease). */
  get leasedIds(): string[] {
    return [...this.active.keys()];
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Runs one claimed execution; never throws (failures end up in the record or the log). */
  executeWorkflow(claimed: ClaimedExecution): Promise<void> {
    return tracer ? traceExecutionRun(claimed, undefined, () => this.runClaimed(claimed)) : this.runClaimed(claimed);
  }

  private async runClaimed(claimed: ClaimedExecution): Promise<void> {
    const controller = new AbortController();
    this.active.set(claimed.id, { controller, attempt: claimed.attempt });
    this.lifecycle.emit('started', claimed);
    try {
      const workflow = await this.definitions.load(claimed.workflowId, claimed.workflowVersion);
      if (!workflow) {
        await this.complete(claimed, 'FAILED', '[]', `Workflow ${claimed.workflowId} version ${claimed.workflowVersion} not found`, null, null, undefined);
        return;
      }
      if (tracer) tagWorkflow(workflow.name);
      const context = this.contextFor(claimed, workflow);
      if (claimed.lostRuns > MAX_LOST_RUNS) {
        await this.abandon(claimed, context);
        return;
      }
      const timeoutMs = workflow.settings.timeoutMs ?? this.config.executionTimeoutMs;
      // Time spent WAITING (at wait nodes, on children) does not count (docs/lists-and-subworkflows.md).
      const remaining = Math.max(0, timeoutMs - (Date.now() - new Date(claimed.startedAt).getTime() - (claimed.waitedMs ?? 0)));
      const timer = setTimeout(() => controller.abort(new Error(`Execution timed out after ${timeoutMs} ms`)), remaining);
      // The insert or the claim holds the progress commit of the first outside call (firstCallRecords),
      // taken as made once the run gets there as predicted, soon enough after the claim.
      let insertHeld = claimed.firstCallCommitted === true ? performance.now() : undefined;
      let result;
      try {
        result = await runGraph(context, this.runner, controller.signal, {
          beforeSideEffect: () => {
            const since = insertHeld;
            insertHeld = undefined;
            return since !== undefined && this.insertHolds(context, since) ? Promise.resolve() : this.commitProgress(context, controller);
          },
          nodeSettled: (node, result, ms) => {
            this.lifecycle.emit('nodeSettled', { executionId: claimed.id, nodeName: node.name, nodeType: node.type, status: result.status, durationMs: ms });
            if (result.status === 'FAILED') logNodeFailure(claimed, node, context.scrub(result.error), context.record(node.name)?.attempts ?? 1);
          },
          respond: (response) => this.respond(context, response),
        });
      } finally {
        clearTimeout(timer);
      }
      // Released on shutdown or fenced off (canceled, lease lost): another owner has the last word.
      if (controller.signal.reason === SHUTDOWN || controller.signal.reason === CANCELED || controller.signal.reason === LEASE_LOST) return;
      // A progress commit found a result it cannot store (commitProgress).
      if (controller.signal.reason instanceof UnstorableResultError) return await this.failUnstorable(claimed, context, controller.signal.reason);
      try {
        const response = context.webhookResponse ? context.scrub(toJsonb(context.webhookResponse)) : null;
        if (result.status === 'WAITING') {
          await this.suspend(claimed, serializeNodeRecordsOrExplain(context.records, workflow.settings, context.secrets), response, result.node, result.until);
          return;
        }
        const json = serializeNodeRecordsOrExplain(context.records, workflow.settings, context.secrets, { triggerData: context.triggerData });
        await this.complete(claimed, result.status, json, result.status === 'FAILED' ? context.scrub(result.error) : null, context.lastOutput(), response, result.status === 'FAILED' ? result.node : undefined);
      } catch (error) {
        const unstorable = asUnstorable(error);
        if (!unstorable) throw error;
        await this.failUnstorable(claimed, context, unstorable);
      }
    } catch (error) {
      this.logger.error({ msg: `Execution ${claimed.id} (workflow ${claimed.workflowId}) could not finish: ${(error as Error).message}`, executionId: claimed.id, workflowId: claimed.workflowId });
    } finally {
      // A later claim of the same execution in this process (after this one's lease expired) owns the entry now.
      if (this.active.get(claimed.id)?.controller === controller) this.active.delete(claimed.id);
    }
  }

  /**
   * Runs a fresh execution of a pure workflow (LoadedWorkflow.pure) before it is stored, and returns
   * its final state, so that the ingest's one INSERT stores the execution already finished: no
   * claim and no second write (docs/executions.md lets pure nodes' results be committed together). Nothing
   * outside happens in such a run, so when the insert fails or finds a duplicate the run is simply
   * dropped. Undefined when the run cannot finish this way (a node asked for a commit or a webhook
   * answer, which pure nodes never do, or a bug): the caller then stores it PENDING and queues it.
   */
  runBeforeCommit(execution: ClaimedExecution, workflow: LoadedWorkflow): Promise<FinishedRun | undefined> {
    if (!tracer) return this.runPure(execution, workflow);
    // A child of the active ingest span: this run happens inside the webhook request.
    // Undefined: stored PENDING and queued, where the run that counts will happen.
    return traceExecutionRun(execution, otelContext.active(), () => this.runPureTraced(execution, workflow));
  }

  private async runPure(execution: ClaimedExecution, workflow: LoadedWorkflow): Promise<FinishedRun | undefined> {
    let needsTheQueue = false;
    const nodes: FinishedRun['nodes'] = [];
    try {
      const context = this.contextFor(execution, workflow);
      const result: RunResult = await runGraph(context, this.runner, NEVER_ABORTED, {
        beforeSideEffect: async () => {
          needsTheQueue = true;
          throw new Error('A pure run has no outside effects');
        },
        nodeSettled: (node, result, ms) => {
          nodes.push({ executionId: execution.id, nodeName: node.name, nodeType: node.type, status: result.status, durationMs: ms });
          if (result.status === 'FAILED') logNodeFailure(execution, node, context.scrub(result.error), context.record(node.name)?.attempts ?? 1);
        },
        respond: () => (needsTheQueue = true),
      });
      if (needsTheQueue || result.status === 'WAITING') return undefined;
      const completedAt = new Date();
      // Literals of one shape, no spread: this runs for every pure webhook execution.
      try {
        return {
          status: result.status,
          nodeExecutionsJson: serializeNodeRecordsOrExplain(context.records, workflow.settings, context.secrets, { triggerData: context.triggerData }),
          error: result.status === 'FAILED' ? context.scrub(result.error) : null,
          failedNode: result.status === 'FAILED' ? result.node : undefined,
          output: context.lastOutput(),
          startedAt: execution.startedAt,
          completedAt,
          nodes,
        };
      } catch (error) {
        if (!(error instanceof UnstorableResultError)) throw error;
        // Stored FAILED in the same insert: queued instead, it would only fail the same way.
        const message = context.scrub(error.message);
        const records = storableFailure(context.records, error, message, false);
        const nodeExecutionsJson = serializeNodeRecords(records, workflow.settings, context.secrets);
        return { status: 'FAILED', nodeExecutionsJson, error: message, failedNode: error.nodeName ?? undefined, output: null, startedAt: execution.startedAt, completedAt, nodes };
      }
    } catch (error) {
      this.logger.error({ msg: `Execution ${execution.id} (workflow ${execution.workflowId}) could not run before its commit, queued instead: ${(error as Error).message}`, executionId: execution.id, workflowId: execution.workflowId });
      return undefined;
    }
  }

  /**
   * The events and the log line of a runBeforeCommit run, once its execution is committed (a
   * duplicate's run never counts); `insertedFinished: false` for a runUnclaimed run, whose end
   * someone may wait for.
   */
  reportCommitted(execution: ExecutionRef, run: FinishedRun, insertedFinished = true): void {
    const durationMs = run.completedAt.getTime() - run.startedAt.getTime();
    this.lifecycle.emit('started', execution);
    for (const node of run.nodes) this.lifecycle.emit('nodeSettled', node);
    logExecutionEnd(execution, run.status, durationMs, run.error, run.failedNode);
    this.lifecycle.emit('finished', { execution, status: run.status, output: run.output, error: run.error, durationMs, insertedFinished });
  }

  /** Whether a fresh execution of this workflow version may run without a claim (runUnclaimed). */
  async runsUnclaimed(workflowId: string, version: number): Promise<boolean> {
    return (await this.unclaimedWorkflow(workflowId, version)) !== undefined;
  }

  /** The workflow version when its fresh executions may run without a claim: pure, no concurrency limit. */
  private async unclaimedWorkflow(workflowId: string, version: number): Promise<LoadedWorkflow | undefined> {
    const workflow = await this.definitions.load(workflowId, version);
    return workflow?.pure && !workflow.settings.concurrency ? workflow : undefined;
  }

  /**
   * Runs a queued fresh execution of a pure workflow (LoadedWorkflow.pure) without claiming it
   * (ExecutionsRepository.findUnclaimed read it), as the ingest runs one before its insert
   * (runBeforeCommit): nothing outside happens in such a run, so it needs no lease, and its final
   * state is written only if the row is still PENDING and unclaimed. One write instead of a claim
   * and a final state; a crash in between leaves the row PENDING for the sweep. True once it ran
   * here (its final state written, or refused because another run or a cancel came first); false
   * when it must be claimed and run as usual instead (its version is not pure, a node asked for a
   * commit or a webhook answer, or the database refused its records).
   */
  async runUnclaimed(execution: ClaimedExecution): Promise<boolean> {
    const workflow = await this.unclaimedWorkflow(execution.workflowId, execution.workflowVersion);
    if (!workflow) return false;
    const run = tracer ? await traceExecutionRun(execution, undefined, () => this.runPureTraced(execution, workflow)) : await this.runPure(execution, workflow);
    if (!run) return false;
    const { id, startedAt } = execution;
    const accepted = await this.completions.submit({ id, attempt: 0, startedAt, status: run.status, nodeExecutionsJson: run.nodeExecutionsJson, error: run.error, completedAt: run.completedAt, webhookResponseJson: null });
    if (accepted instanceof Error) return false;
    if (accepted) this.reportCommitted(execution, run, false);
    else this.lifecycle.emit('superseded', { id });
    return true;
  }

  private async runPureTraced(execution: ClaimedExecution, workflow: LoadedWorkflow): Promise<FinishedRun | undefined> {
    tagWorkflow(workflow.name);
    const finished = await this.runPure(execution, workflow);
    settleExecutionSpan(finished?.status ?? 'PENDING', finished?.error);
    return finished;
  }

  private contextFor(execution: ClaimedExecution, workflow: LoadedWorkflow): ExecutionContext {
    return new ExecutionContext(execution, workflow, this.resumeTokens.resumeUrlFor(execution.id, workflow.graph));
  }

  /** Stops a run of this process at once (its in-flight HTTP calls are aborted). */
  abort(id: string, reason: Error): boolean {
    const run = this.active.get(id);
    if (!run) return false;
    run.controller.abort(reason);
    return true;
  }

  /** On shutdown: runs still going after the grace period are released, not failed. */
  abortAll(reason: Error): void {
    for (const run of this.active.values()) run.controller.abort(reason);
  }

  private async complete(
    claimed: ClaimedExecution,
    status: 'COMPLETED' | 'FAILED',
    nodeExecutionsJson: string,
    error: string | null,
    output: unknown,
    webhookResponseJson: string | null,
    failedNode: string | undefined,
  ): Promise<void> {
    if (tracer) settleExecutionSpan(status, error);
    const completedAt = new Date();
    const accepted = await this.completions.submit({ id: claimed.id, attempt: claimed.attempt, status, nodeExecutionsJson, error, completedAt, webhookResponseJson });
    if (accepted instanceof Error) throw accepted;
    if (accepted) {
      const durationMs = completedAt.getTime() - new Date(claimed.startedAt).getTime();
      logExecutionEnd(claimed, status, durationMs, error, failedNode);
      this.lifecycle.emit('finished', { execution: claimed, status, output, error, durationMs, insertedFinished: false });
      return;
    }
    this.logger.warn({ msg: `Execution ${claimed.id}: final state not written (canceled, or taken over by another worker)`, executionId: claimed.id, workflowId: claimed.workflowId });
    this.lifecycle.emit('superseded', { id: claimed.id });
  }

  /**
   * Ends FAILED an execution whose records could not be stored (docs/executions.md: a result that cannot be
   * committed must not leave the execution RUNNING, to be run again — outside calls included — by
   * every sweep). The records keep what can be stored; the node to blame fails with the reason. If
   * the database refuses even those, they are stored without any input or output.
   */
  private async failUnstorable(claimed: ClaimedExecution, context: ExecutionContext, error: UnstorableResultError): Promise<void> {
    const message = context.scrub(error.message);
    this.logger.error({ msg: `Execution ${claimed.id}: ${message}`, executionId: claimed.id, workflowId: claimed.workflowId });
    for (const node of context.workflow.graph.nodes.values()) context.skip(node);
    const store = (dataToo: boolean) =>
      this.complete(claimed, 'FAILED', serializeNodeRecords(storableFailure(context.records, error, message, dataToo), context.workflow.settings, context.secrets), message, null, null, error.nodeName ?? undefined);
    try {
      await store(false);
    } catch (refused) {
      if (!isDataException(refused)) throw refused;
      await store(true);
    }
  }

  /** Ends an execution whose runs were lost too often (MAX_LOST_RUNS) without running anything again. */
  private async abandon(claimed: ClaimedExecution, context: ExecutionContext): Promise<void> {
    const reason = `Abandoned after ${claimed.lostRuns} attempts: each run was lost (the process running it ended, or it stalled past its lease)`;
    context.abandon(reason);
    this.logger.error({ msg: `Execution ${claimed.id}: ${reason}`, executionId: claimed.id, workflowId: claimed.workflowId });
    const json = serializeNodeRecords(context.records, context.workflow.settings, context.secrets, { triggerData: context.triggerData });
    await this.complete(claimed, 'FAILED', json, reason, null, null, undefined);
  }

  private async suspend(claimed: ClaimedExecution, json: string, response: string | null, node: string, until: Date | null): Promise<void> {
    // What is left of the wait, counted from now on the database's clock (see suspend).
    const waitMs = until ? Math.max(0, until.getTime() - Date.now()) : null;
    if (tracer) settleExecutionSpan('WAITING');
    const parked = await this.executions.suspend(claimed.id, claimed.attempt, json, response, node, waitMs);
    // A child this run waits for may have ended before it parked: then it is due at once, though `until` is null.
    if (parked) this.lifecycle.emit('suspended', { id: claimed.id, workflowId: claimed.workflowId, until: until ?? (parked.waitTill ? new Date() : null), waitTill: parked.waitTill });
    else this.logger.warn({ msg: `Execution ${claimed.id}: could not park at wait node "${node}" (canceled, or taken over)`, executionId: claimed.id, workflowId: claimed.workflowId, nodeName: node });
  }

  /** The first respondToWebhook answer goes to the waiting caller now, and is kept with the record. */
  private respond(context: ExecutionContext, response: WebhookResponse): void {
    if (context.webhookResponse) return;
    const scrubbed: WebhookResponse = context.secrets.size ? JSON.parse(context.scrub(JSON.stringify(response))) : response;
    context.webhookResponse = scrubbed;
    context.dirty = true;
    this.lifecycle.emit('responded', { id: context.execution.id, response: scrubbed });
  }

  /**
   * The node records a run of `workflow` commits before its first outside call when that call comes
   * right after the trigger (LoadedWorkflow.firstCall): the trigger's result and that node started,
   * its first try counted. The ingest stores them with an execution it inserts already claimed, and
   * a claim with a fresh execution it claims (firstCallTemplates), so that the run need not write
   * them again (insertHolds). Undefined when there is no such call. The trigger data in them (the
   * trigger's output, the call's input) is stored as a reference to the execution's own column
   * (serializeNodeRecords), not copied.
   */
  firstCallRecords(execution: ClaimedExecution, workflow: LoadedWorkflow): string | undefined {
    if (!workflow.firstCall) return undefined;
    const context = this.contextFor(execution, workflow);
    const trigger = context.start(workflow.graph.trigger, null, 1);
    context.finish(trigger, 'SUCCESS', execution.triggerData, null, 0);
    context.start(workflow.firstCall, execution.triggerData, 1);
    try {
      return serializeNodeRecordsOrExplain(context.records, workflow.settings, context.secrets, { triggerData: execution.triggerData });
    } catch {
      // Stored without them, the run commits its records (or fails on them) as usual.
      return undefined;
    }
  }

  /**
   * firstCallRecords for a claim of fresh executions (ExecutionsRepository.claimMany): by
   * `workflowId:version`, the records of each workflow version among `items` that has a first call,
   * the same for all its executions, as they refer to each row's trigger data instead of holding it.
   * An item without its version (queued by an earlier release), or whose workflow cannot be loaded,
   * has none: its run commits before the call as usual.
   */
  async firstCallTemplates(items: ReadonlyArray<{ workflowId: string; workflowVersion?: number }>): Promise<Record<string, string> | undefined> {
    let templates: Record<string, string> | undefined;
    const seen = new Set<string>();
    for (const { workflowId, workflowVersion } of items) {
      if (workflowVersion === undefined) continue;
      const key = `${workflowId}:${workflowVersion}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const workflow = await this.definitions.load(workflowId, workflowVersion).catch(() => undefined);
      if (!workflow?.firstCall) continue;
      // `triggerData` stands for each row's own: the records only refer to it.
      const execution: ClaimedExecution = { ...TEMPLATE_EXECUTION, workflowId, workflowVersion, triggerData: {} as ClaimedExecution['triggerData'] };
      const records = this.firstCallRecords(execution, workflow);
      if (records !== undefined) (templates ??= {})[key] = records;
    }
    return templates;
  }

  /**
   * Whether the records the insert or the claim stored (firstCallRecords) are what the run would
   * commit now: the trigger has run and passed the trigger data on (which the stored records hold,
   * or refer to), the predicted node is about to make its first try, nothing else happened, and
   * the run started well within its lease (`sinceMs`), as the commit is also what stops a run whose
   * lease was taken over.
   */
  private insertHolds(context: ExecutionContext, sinceMs: number): boolean {
    const [trigger, call] = context.records;
    return (
      context.records.length === 2 &&
      trigger.nodeName === context.workflow.graph.trigger.name &&
      trigger.status === 'SUCCESS' &&
      trigger.output === context.triggerData &&
      call.nodeName === context.workflow.firstCall?.name &&
      call.status === 'RUNNING' &&
      call.attempts === 1 &&
      context.webhookResponse === null &&
      performance.now() - sinceMs < this.config.executionLeaseMs / 2
    );
  }

  /** Commits the records so far, before a node with outside effects starts (docs/executions.md). */
  private async commitProgress(context: ExecutionContext, controller: AbortController): Promise<void> {
    if (!context.dirty) return;
    context.dirty = false;
    let saved: boolean;
    try {
      const response = context.webhookResponse ? context.scrub(toJsonb(context.webhookResponse)) : null;
      const json = serializeNodeRecordsOrExplain(context.records, context.workflow.settings, context.secrets);
      const outcome = await this.progress.submit({ id: context.execution.id, attempt: context.execution.attempt, nodeExecutionsJson: json, webhookResponseJson: response });
      if (outcome instanceof Error) throw outcome;
      saved = outcome;
    } catch (error) {
      const unstorable = asUnstorable(error);
      if (!unstorable) throw error;
      // The outside effect does not start; the run stops and executeWorkflow fails the execution.
      if (!controller.signal.aborted) controller.abort(unstorable);
      return;
    }
    if (!saved && !controller.signal.aborted) controller.abort(CANCELED);
  }
}

/** The states of distinct executions: the first of each. The same array when there are no repeats, as almost always. */
function uniqueIds<T extends { id: string }>(states: T[]): T[] {
  const ids = new Set<string>();
  for (const state of states) ids.add(state.id);
  if (ids.size === states.length) return states;
  ids.clear();
  return states.filter((state) => !ids.has(state.id) && ids.add(state.id) !== undefined);
}

/**
 * PostgreSQL refused the data itself (SQLSTATE class 22, data exception: text jsonb cannot hold),
 * as opposed to failing to run the statement (connection lost), after which the run is recovered.
 */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.code ?? (error as { driverError?: { code?: unknown } })?.driverError?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/** The error as a reason to fail the execution for a result it cannot store, or undefined. */
function asUnstorable(error: unknown): UnstorableResultError | undefined {
  if (error instanceof UnstorableResultError) return error;
  return isDataException(error) ? new UnstorableResultError(null, `the database refused it: ${(error as Error).message}`) : undefined;
}
