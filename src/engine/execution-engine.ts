import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Batcher } from '../common/batcher.js';
import { ExecutionsRepository, type ClaimedExecution, type FinalState } from '../executions/executions.repository.js';
import { serializeNodeRecords, toJsonb } from '../executions/node-records.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { CompletionWaiters } from './completion-waiters.js';
import { ExecutionContext } from './execution-context.js';
import type { WebhookResponse } from '../nodes/node-executor.js';
import { NodeRunner } from './node-runner.js';
import { ResumeTokens } from './resume-tokens.js';
import { runGraph } from './run-loop.js';
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
  /** The output of the last node that ran, for a `lastNode` answer. */
  output: unknown;
  startedAt: Date;
  completedAt: Date;
  /** Node timings, reported as metrics once the execution is committed (reportCommitted). */
  nodes: Array<{ type: string; status: string; ms: number }>;
}

/** Pure runs have no timeout timer and nothing to cancel: they end within their expressions' bounds. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs claimed executions to their end (SPEC §7): builds the context, walks the graph, commits
 * progress before outside effects and the final state at the end, fenced by the claim's attempt.
 */
@Injectable()
export class ExecutionEngine {
  private readonly logger = new Logger('ExecutionEngine');
  /** Identifies this process as a lease owner. */
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly active = new Map<string, ActiveRun>();
  private readonly completions: Batcher<FinalState, boolean>;
  /**
   * Set by the queue: a WAITING execution due soon is woken by a timer in this process. `until` is
   * on this process's clock, `waitTill` as stored, on the database's.
   */
  onSuspended: (execution: { id: string; workflowId: string; until: Date | null; waitTill: Date | null }) => void = () => undefined;

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly definitions: WorkflowDefinitions,
    private readonly runner: NodeRunner,
    private readonly metrics: MetricsService,
    private readonly waiters: CompletionWaiters,
    private readonly resumeTokens: ResumeTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Final states of many executions go out in one statement under load.
    this.completions = new Batcher(async (states) => {
      const accepted = await this.executions.completeMany(states);
      return states.map((state) => accepted.has(state.id));
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
  async executeWorkflow(claimed: ClaimedExecution): Promise<void> {
    const controller = new AbortController();
    this.active.set(claimed.id, { controller, attempt: claimed.attempt });
    this.metrics.executionStarted(claimed.mode);
    try {
      const workflow = await this.definitions.load(claimed.workflowId, claimed.workflowVersion);
      if (!workflow) {
        await this.complete(claimed, 'FAILED', '[]', `Workflow ${claimed.workflowId} version ${claimed.workflowVersion} not found`, null, null);
        return;
      }
      const context = this.contextFor(claimed, workflow);
      const timeoutMs = workflow.settings.timeoutMs ?? this.config.executionTimeoutMs;
      const remaining = Math.max(0, timeoutMs - (Date.now() - new Date(claimed.startedAt).getTime()));
      const timer = setTimeout(() => controller.abort(new Error(`Execution timed out after ${timeoutMs} ms`)), remaining);
      let result;
      try {
        result = await runGraph(context, this.runner, controller.signal, {
          beforeSideEffect: () => this.commitProgress(context, controller),
          nodeSettled: (node, status, ms) => this.metrics.nodeFinished(node.type, status, ms / 1000),
          respond: (response) => this.respond(context, response),
        });
      } finally {
        clearTimeout(timer);
      }
      // Released on shutdown or fenced off (canceled, lease lost): another owner has the last word.
      if (controller.signal.reason === SHUTDOWN || controller.signal.reason === CANCELED || controller.signal.reason === LEASE_LOST) return;
      const response = context.webhookResponse ? context.scrub(toJsonb(context.webhookResponse)) : null;
      if (result.status === 'WAITING') {
        await this.suspend(claimed, serializeNodeRecords(context.records, workflow.settings, context.secrets), response, result.node, result.until);
        return;
      }
      const json = serializeNodeRecords(context.records, workflow.settings, context.secrets, { triggerData: context.triggerData });
      await this.complete(claimed, result.status, json, result.status === 'FAILED' ? context.scrub(result.error) : null, context.lastOutput(), response);
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
   * claim and no second write (SPEC §7.7 lets pure nodes' results be committed together). Nothing
   * outside happens in such a run, so when the insert fails or finds a duplicate the run is simply
   * dropped. Undefined when the run cannot finish this way (a node asked for a commit or a webhook
   * answer, which pure nodes never do, or a bug): the caller then stores it PENDING and queues it.
   */
  async runBeforeCommit(execution: ClaimedExecution, workflow: LoadedWorkflow): Promise<FinishedRun | undefined> {
    let needsTheQueue = false;
    const nodes: FinishedRun['nodes'] = [];
    try {
      const context = this.contextFor(execution, workflow);
      const result = await runGraph(context, this.runner, NEVER_ABORTED, {
        beforeSideEffect: async () => {
          needsTheQueue = true;
          throw new Error('A pure run has no outside effects');
        },
        nodeSettled: (node, status, ms) => nodes.push({ type: node.type, status, ms }),
        respond: () => (needsTheQueue = true),
      });
      if (needsTheQueue || result.status === 'WAITING') return undefined;
      return {
        status: result.status,
        nodeExecutionsJson: serializeNodeRecords(context.records, workflow.settings, context.secrets, { triggerData: context.triggerData }),
        error: result.status === 'FAILED' ? context.scrub(result.error) : null,
        output: context.lastOutput(),
        startedAt: execution.startedAt,
        completedAt: new Date(),
        nodes,
      };
    } catch (error) {
      this.logger.error({ msg: `Execution ${execution.id} (workflow ${execution.workflowId}) could not run before its commit, queued instead: ${(error as Error).message}`, executionId: execution.id, workflowId: execution.workflowId });
      return undefined;
    }
  }

  /** Metrics of a runBeforeCommit run, once its execution is committed (a duplicate's run never counts). */
  reportCommitted(mode: ClaimedExecution['mode'], run: FinishedRun): void {
    this.metrics.executionStarted(mode);
    for (const node of run.nodes) this.metrics.nodeFinished(node.type, node.status, node.ms / 1000);
    this.metrics.executionFinished(run.status, (run.completedAt.getTime() - run.startedAt.getTime()) / 1000);
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

  private async complete(claimed: ClaimedExecution, status: 'COMPLETED' | 'FAILED', nodeExecutionsJson: string, error: string | null, output: unknown, webhookResponseJson: string | null): Promise<void> {
    const accepted = await this.completions.submit({ id: claimed.id, attempt: claimed.attempt, status, nodeExecutionsJson, error, completedAt: new Date(), webhookResponseJson });
    if (accepted) {
      this.metrics.executionFinished(status, (Date.now() - new Date(claimed.startedAt).getTime()) / 1000);
      this.waiters.notify(claimed.id, { status, output, error });
      return;
    }
    this.logger.warn({ msg: `Execution ${claimed.id}: final state not written (canceled, or taken over by another worker)`, executionId: claimed.id, workflowId: claimed.workflowId });
    const outcome = await this.waiters.readOutcome(claimed.id).catch(() => undefined);
    if (outcome) this.waiters.notify(claimed.id, outcome);
  }

  private async suspend(claimed: ClaimedExecution, json: string, response: string | null, node: string, until: Date | null): Promise<void> {
    // What is left of the wait, counted from now on the database's clock (see suspend).
    const waitMs = until ? Math.max(0, until.getTime() - Date.now()) : null;
    const parked = await this.executions.suspend(claimed.id, claimed.attempt, json, response, node, waitMs);
    if (parked) this.onSuspended({ id: claimed.id, workflowId: claimed.workflowId, until, waitTill: parked.waitTill });
    else this.logger.warn({ msg: `Execution ${claimed.id}: could not park at wait node "${node}" (canceled, or taken over)`, executionId: claimed.id, workflowId: claimed.workflowId, nodeName: node });
  }

  /** The first respondToWebhook answer goes to the waiting caller now, and is kept with the record. */
  private respond(context: ExecutionContext, response: WebhookResponse): void {
    if (context.webhookResponse) return;
    const scrubbed: WebhookResponse = context.secrets.size ? JSON.parse(context.scrub(JSON.stringify(response))) : response;
    context.webhookResponse = scrubbed;
    context.dirty = true;
    this.waiters.respond(context.execution.id, scrubbed);
  }

  /** Commits the records so far, before a node with outside effects starts (SPEC §7.7). */
  private async commitProgress(context: ExecutionContext, controller: AbortController): Promise<void> {
    if (!context.dirty) return;
    context.dirty = false;
    const response = context.webhookResponse ? context.scrub(toJsonb(context.webhookResponse)) : null;
    const saved = await this.executions.saveProgress(context.execution.id, context.execution.attempt, serializeNodeRecords(context.records, context.workflow.settings, context.secrets), response);
    if (!saved && !controller.signal.aborted) controller.abort(CANCELED);
  }
}
