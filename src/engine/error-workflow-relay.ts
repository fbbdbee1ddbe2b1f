import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { newId } from '../common/uuid.js';
import { ErrorWorkflowOutboxRepository, type ErrorExecution, type FailedExecution } from '../executions/error-workflows/error-workflow-outbox.repository.js';
import { ExecutionLifecycle } from '../executions/execution-lifecycle.js';
import { ViewLinks } from '../executions/view-links.js';
import { ConcurrencyKeys } from './concurrency/concurrency-keys.js';
import { ExecutionQueue } from './execution-queue.js';

/**
 * How often the relay looks for FAILED executions it was not told of: those another process stored
 * (or abandoned by a claim) when that process did not relay them itself, e.g. it crashed. Failures
 * this process stores wake it at once (the lifecycle's finished events).
 */
const POLL_MS = 2000;
const BATCH = 100;
/** The error workflow's `viewUrl` stays valid this long (docs/failure-handling.md). */
export const ERROR_VIEW_LINK_SECONDS = 7 * 24 * 3600;

/**
 * Starts error workflows (docs/executions.md): every FAILED execution leaves an outbox row in the
 * same commit (a database trigger), and this turns each row into one `mode: error` execution of the
 * failed workflow's error workflow, in one statement with the row's removal, so that of replicas
 * racing for a row only one starts it. Runs in the roles that execute (all, worker).
 */
@Injectable()
export class ErrorWorkflowRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ErrorWorkflows');
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** A pass is scheduled for the next turn of the event loop (wake). */
  private woken = false;
  /** A pass was asked for while one was running: it may have missed that row, so one more follows. */
  private missed = false;
  /** Shutting down: no new pass starts (the database pool is about to close). */
  private stopped = false;

  constructor(
    private readonly outbox: ErrorWorkflowOutboxRepository,
    private readonly queue: ExecutionQueue,
    private readonly viewLinks: ViewLinks,
    private readonly concurrencyKeys: ConcurrencyKeys,
    private readonly lifecycle: ExecutionLifecycle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.lifecycle.on('finished', ({ status }) => {
      if (status === 'FAILED') this.wake();
    });
    this.timer = setInterval(() => void this.pass(), POLL_MS);
    this.timer.unref();
  }

  /** A failure was stored here: its outbox row is waiting. Failures stored together share one pass. */
  private wake(): void {
    if (this.woken || this.stopped) return;
    this.woken = true;
    setImmediate(() => {
      this.woken = false;
      void this.pass();
    });
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Relays everything waiting; one pass at a time per process. */
  async pass(): Promise<number> {
    if (this.running) {
      this.missed = true;
      return 0;
    }
    this.running = true;
    let total = 0;
    try {
      for (;;) {
        const failed = await this.outbox.pending(BATCH);
        if (!failed.length) break;
        const executions = failed.flatMap((row) => this.errorExecution(row));
        for (const [index, execution] of executions.entries()) {
          const settings = failed.find((row) => row.id === execution.failedExecutionId)?.errorWorkflowSettings;
          if (settings?.concurrency !== undefined) executions[index].concurrencyKey = await this.concurrencyKeys.keyFor(settings, { ...execution, mode: 'error' });
        }
        const created = await this.outbox.start(
          failed.map((row) => row.id),
          executions,
        );
        total += created.length;
        for (const row of created) this.lifecycle.emit('created', { id: row.id, workflowId: row.workflowId, mode: 'error' });
        if (created.length) this.queue.enqueue(created.map((row) => ({ id: row.id, workflowId: row.workflowId, concurrencyKey: row.concurrencyKey, awaited: false })));
        if (failed.length < BATCH) break;
      }
    } catch (error) {
      // Nothing is lost: a row stays until the statement that starts its error execution removes it.
      this.logger.warn({ msg: `Error workflow relay failed (retried in ${POLL_MS} ms): ${(error as Error).message}` });
    } finally {
      this.running = false;
      if (this.missed) {
        this.missed = false;
        this.wake();
      }
    }
    return total;
  }

  private errorExecution(failed: FailedExecution): ErrorExecution[] {
    if (!failed.workflowId || !failed.errorWorkflowId || failed.errorWorkflowVersion === null || !failed.errorWorkflowOwnerId) return [];
    const now = new Date();
    return [
      {
        id: newId(),
        failedExecutionId: failed.id,
        workflowId: failed.errorWorkflowId,
        workflowVersion: failed.errorWorkflowVersion,
        userId: failed.errorWorkflowOwnerId,
        createdAt: now,
        triggerData: { body: { execution: this.describe(failed) }, headers: {}, query: {}, method: 'ERROR', receivedAt: now.toISOString() },
      },
    ];
  }

  /** The error workflow's trigger body (docs/executions.md): what failed, where, and a link to look. */
  private describe(failed: FailedExecution) {
    const failedNode = [...(failed.nodeExecutions ?? [])].reverse().find((record) => record.status === 'FAILED');
    return {
      id: failed.id,
      workflowId: failed.workflowId,
      workflowName: failed.workflowName,
      mode: failed.mode,
      error: failed.error,
      failedNode: failedNode ? { name: failedNode.nodeName, type: failedNode.nodeType, error: failedNode.error } : null,
      startedAt: failed.startedAt ? new Date(failed.startedAt).toISOString() : null,
      completedAt: failed.completedAt ? new Date(failed.completedAt).toISOString() : null,
      // A signed link: it opens the failed execution's view in a browser, without an API key.
      viewUrl: this.viewLinks.create(failed.id, ERROR_VIEW_LINK_SECONDS).url,
    };
  }
}
