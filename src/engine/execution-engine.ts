import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Batcher } from '../common/batcher.js';
import { ExecutionsRepository, type ClaimedExecution, type FinalState } from '../executions/executions.repository.js';
import { serializeNodeRecords } from '../executions/node-records.js';
import { CompletionWaiters } from './completion-waiters.js';
import { ExecutionContext } from './execution-context.js';
import { NodeRunner } from './node-runner.js';
import { runGraph } from './run-loop.js';
import { WorkflowDefinitions } from './workflow-definitions.js';

/** Abort reason when the process stops: the execution is released to another worker, not failed. */
export const SHUTDOWN = new Error('The worker is shutting down');
export const CANCELED = new Error('Canceled');

interface ActiveRun {
  controller: AbortController;
  attempt: number;
}

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

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly definitions: WorkflowDefinitions,
    private readonly runner: NodeRunner,
    private readonly waiters: CompletionWaiters,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Final states of many executions go out in one statement under load.
    this.completions = new Batcher(async (states) => {
      const accepted = await this.executions.completeMany(states);
      return states.map((state) => accepted.has(state.id));
    });
  }

  get activeIds(): string[] {
    return [...this.active.keys()];
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Runs one claimed execution; never throws (failures end up in the record or the log). */
  async executeWorkflow(claimed: ClaimedExecution): Promise<void> {
    const controller = new AbortController();
    this.active.set(claimed.id, { controller, attempt: claimed.attempt });
    try {
      const workflow = await this.definitions.load(claimed.workflowId, claimed.workflowVersion);
      if (!workflow) {
        await this.complete(claimed, 'FAILED', '[]', `Workflow ${claimed.workflowId} version ${claimed.workflowVersion} not found`, null);
        return;
      }
      const context = new ExecutionContext(claimed, workflow, null);
      const timeoutMs = workflow.settings.timeoutMs ?? this.config.executionTimeoutMs;
      const remaining = Math.max(0, timeoutMs - (Date.now() - new Date(claimed.startedAt).getTime()));
      const timer = setTimeout(() => controller.abort(new Error(`Execution timed out after ${timeoutMs} ms`)), remaining);
      let result;
      try {
        result = await runGraph(context, this.runner, controller.signal, { beforeSideEffect: () => this.commitProgress(context, controller) });
      } finally {
        clearTimeout(timer);
      }
      // Released on shutdown or fenced off (canceled, lease lost): another owner has the last word.
      if (controller.signal.reason === SHUTDOWN || controller.signal.reason === CANCELED) return;
      const json = serializeNodeRecords(context.records, workflow.settings);
      await this.complete(claimed, result.status, json, result.status === 'FAILED' ? result.error : null, context.lastOutput());
    } catch (error) {
      this.logger.error(`Execution ${claimed.id} (workflow ${claimed.workflowId}) could not finish: ${(error as Error).message}`);
    } finally {
      this.active.delete(claimed.id);
    }
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

  private async complete(claimed: ClaimedExecution, status: 'COMPLETED' | 'FAILED', nodeExecutionsJson: string, error: string | null, output: unknown): Promise<void> {
    const accepted = await this.completions.submit({ id: claimed.id, attempt: claimed.attempt, status, nodeExecutionsJson, error, completedAt: new Date() });
    if (accepted) {
      this.waiters.notify(claimed.id, { status, output, error });
      return;
    }
    this.logger.warn(`Execution ${claimed.id}: final state not written (canceled, or taken over by another worker)`);
    const outcome = await this.waiters.readOutcome(claimed.id).catch(() => undefined);
    if (outcome) this.waiters.notify(claimed.id, outcome);
  }

  /** Commits the records so far, before a node with outside effects starts (SPEC §7.7). */
  private async commitProgress(context: ExecutionContext, controller: AbortController): Promise<void> {
    if (!context.dirty) return;
    context.dirty = false;
    const saved = await this.executions.saveProgress(context.execution.id, context.execution.attempt, serializeNodeRecords(context.records, context.workflow.settings));
    if (!saved && !controller.signal.aborted) controller.abort(CANCELED);
  }
}
