import { Inject, Injectable } from '@nestjs/common';
import { AppError, notFound } from '../../common/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { newId } from '../../common/uuid.js';
import { CompletionWaiters } from '../../engine/completion-waiters.js';
import { ConcurrencyKeys } from '../../engine/concurrency/concurrency-keys.js';
import { ExecutionEngine } from '../../engine/execution-engine.js';
import { ExecutionQueue } from '../../engine/execution-queue.js';
import { WorkflowDefinitions, type LoadedWorkflow } from '../../engine/workflow-definitions.js';
import { ExecutionService } from '../../executions/execution.service.js';
import type { ClaimedExecution, NewExecution } from '../../executions/executions.repository.js';
import { activeTraceparent, tracer } from '../../tracing/tracing.js';
import { buildTriggerData, parseBody } from './incoming-request.js';
import { RateLimiter } from './rate-limiter.js';
import { TriggerStats } from './trigger-stats.js';
import { validateTriggerBody } from '../../nodes/trigger-validation.js';
import { WebhookAuthenticator } from './webhook-authenticator.js';
import { WebhookRoutes, type WebhookRoute } from './webhook-routes.js';

export interface IncomingWebhook {
  webhookId: string;
  method: string;
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

export interface WebhookAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as it is instead of `body` as JSON (a respondToWebhook text answer); its Content-Type is in `headers`. */
  text?: string;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 512;

/**
 * docs/webhooks.md, in order: find, authenticate, rate-limit, parse, validate, deduplicate, commit, answer.
 * Nothing is answered 2xx before the execution row is committed.
 *
 * A pure workflow's execution (no outside effects: LoadedWorkflow.pure) runs first and is committed
 * already finished, in the same INSERT that would have stored it PENDING: its run takes
 * microseconds, and storing it once instead of inserting, claiming and ending it is the difference
 * between keeping up with a bare insert and not (bench/README.md). Everything else is committed
 * PENDING and queued.
 */
@Injectable()
export class WebhookIngestService {
  /** The api role only stores and enqueues (docs/scaling.md): runs belong to workers. */
  private readonly runsExecutions: boolean;

  constructor(
    private readonly routes: WebhookRoutes,
    private readonly authenticator: WebhookAuthenticator,
    private readonly rateLimiter: RateLimiter,
    private readonly definitions: WorkflowDefinitions,
    private readonly executionService: ExecutionService,
    private readonly queue: ExecutionQueue,
    private readonly waiters: CompletionWaiters,
    private readonly stats: TriggerStats,
    private readonly engine: ExecutionEngine,
    private readonly concurrencyKeys: ConcurrencyKeys,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.runsExecutions = config.appRole !== 'api';
  }

  async ingest(request: IncomingWebhook): Promise<WebhookAnswer> {
    const route = await this.routes.find(request.webhookId);
    if (!route) throw notFound('Webhook', request.webhookId);
    if (!route.active || !route.workflowActive) throw notActive(route);
    if (!methodMatches(route.method, request.method)) {
      throw new AppError('method_not_allowed', `This webhook accepts ${route.method} only`, { Allow: route.method });
    }
    // A HEAD to a GET webhook is a link prefetcher or a monitor, not a delivery: it learns that the
    // webhook exists, and runs nothing (docs/security.md).
    if (request.method === 'HEAD') return { status: 200, body: undefined };
    const secretHeaders = await this.authenticator.verify(route, request.raw, request.headers);
    if (route.rateLimit) {
      const retryAfter = await this.rateLimiter.take(route.id, route.rateLimit);
      if (retryAfter !== undefined) throw new AppError('rate_limited', 'Too many requests for this webhook', { 'Retry-After': String(retryAfter) });
    }
    const contentType = request.headers['content-type'];
    const body = parseBody(request.raw, Array.isArray(contentType) ? contentType[0] : contentType);
    const workflow = await this.definitions.load(route.workflowId, route.version);
    // A webhook left on a workflow whose trigger became a schedule (created in a race with the edit) runs nothing.
    if (!workflow || workflow.graph.trigger.type !== 'trigger') throw notFound('Webhook', request.webhookId);
    validateTriggerBody(workflow.graph.trigger.parameters ?? {}, body);

    const receivedAt = new Date();
    const execution: NewExecution = {
      id: newId(),
      workflowId: route.workflowId,
      workflowVersion: route.version,
      webhookId: route.id,
      userId: route.ownerId,
      mode: 'webhook',
      triggerData: buildTriggerData(request.method, body, request.headers, request.query, secretHeaders),
      idempotencyKey: idempotencyKey(route, request.headers),
      retryOf: null,
      createdAt: receivedAt,
      // The ingest span's context, stored in the same INSERT: the run continues this trace wherever it runs.
      traceContext: tracer ? activeTraceparent() : null,
    };
    if (workflow.settings.concurrency !== undefined) execution.concurrencyKey = await this.concurrencyKeys.keyFor(workflow.settings, { ...execution, workflowName: workflow.name });
    const finished = this.runsBeforeCommit(workflow) ? await this.engine.runBeforeCommit(asClaimed(execution), workflow) : undefined;
    execution.finished = finished;
    // A free slot here: the row goes in already claimed by this process, and the run starts once it
    // is committed (no claim statement, no trip through the queue). A concurrency limit keeps the
    // queue's own path, which counts it.
    const slot = !finished && this.runsExecutions && !workflow.settings.concurrency ? this.queue.reserveRun() : undefined;
    // With the records its run commits before a first outside call right after the trigger: the run does not write them again.
    const claimed = slot ? asClaimed(execution) : undefined;
    const firstCall = claimed ? this.engine.firstCallRecords(claimed, workflow) : undefined;
    if (slot) execution.claimedBy = { owner: slot.owner, leaseMs: slot.leaseMs, startedAt: receivedAt, nodeExecutionsJson: firstCall };
    let result;
    try {
      result = await this.executionService.createExecution(execution);
    } catch (error) {
      slot?.release();
      throw error;
    }
    if (!result.created) {
      slot?.release();
      return { status: 200, body: { executionId: result.id, status: result.status, duplicate: true } };
    }

    this.stats.record(route.workflowId, route.id, receivedAt);
    if (finished) {
      this.engine.reportCommitted(execution, finished);
      if (route.responseMode === 'onReceived') return { status: 202, body: { executionId: result.id, status: 'PENDING' } };
      return this.waiters.answer(result.id, { kind: 'outcome', outcome: { status: finished.status, output: finished.output, error: finished.error } });
    }
    const waitsForEnd = route.responseMode !== 'onReceived';
    // Registered before the run is queued, so even an instant finish is seen.
    const outcome = waitsForEnd ? this.waiters.wait(result.id, route.responseTimeoutMs, route.responseMode === 'responseNode') : undefined;
    if (slot && claimed) slot.run({ ...claimed, startedAt: receivedAt, firstCallCommitted: firstCall !== undefined });
    else this.queue.enqueue([{ id: result.id, workflowId: route.workflowId, workflowVersion: route.version, concurrencyKey: execution.concurrencyKey, awaited: waitsForEnd }]);
    // Still PENDING to the sender (docs/webhooks.md): whether it started yet is not its business.
    if (!outcome) return { status: 202, body: { executionId: result.id, status: 'PENDING' } };
    return this.waiters.answer(result.id, await outcome);
  }

  /**
   * A workflow with a concurrency limit is queued like any other, so that the limit holds however
   * short its runs are.
   */
  private runsBeforeCommit(workflow: LoadedWorkflow): boolean {
    return this.runsExecutions && workflow.pure && !workflow.settings.concurrency;
  }
}

/** The new execution as its first run sees it. */
function asClaimed(execution: NewExecution): ClaimedExecution {
  const { id, workflowId, workflowVersion, webhookId, userId, mode, triggerData, traceContext } = execution;
  return { id, workflowId, workflowVersion, webhookId, userId, mode, triggerData, traceContext, nodeExecutions: [], attempt: 1, lostRuns: 0, startedAt: new Date(), waitNode: null, resumeData: null };
}

function methodMatches(registered: string, actual: string): boolean {
  return registered === actual || (registered === 'GET' && actual === 'HEAD');
}

function idempotencyKey(route: WebhookRoute, headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers[route.idempotencyHeader.toLowerCase()];
  const key = Array.isArray(value) ? value[0] : value;
  if (!key) return null;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new AppError('invalid', `${route.idempotencyHeader} is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  return key;
}

/**
 * A known webhook that does not run now: still 404 (a public endpoint says no more than that it
 * would not run), worded so its owner sees why and what to do. Whoever holds the webhook's id, the
 * secret-ish part of its URL, learns only that it exists but is switched off.
 */
function notActive(route: { id: string; active: boolean; workflowId: string }): AppError {
  const fix = route.active
    ? `its workflow ${route.workflowId} is not active; activate it with POST /workflows/${route.workflowId}/activate`
    : `it is not active; activate it with PATCH /webhooks/${route.id} { "active": true }`;
  return new AppError('not_found', `Webhook ${route.id} does not run: ${fix}`);
}
