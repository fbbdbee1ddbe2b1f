import { Injectable } from '@nestjs/common';
import { notFound } from '../common/app-error.js';
import { redactHeaders } from '../common/redaction.js';
import type { Principal } from '../common/principal.js';
import { newId } from '../common/uuid.js';
import { ExecutionService } from '../executions/execution.service.js';
import { CompletionWaiters } from './completion-waiters.js';
import { ConcurrencyKeys } from './concurrency/concurrency-keys.js';
import type { ManualRunDto } from './dto/manual-run.dto.js';
import { ExecutionQueue } from './execution-queue.js';
import type { ScheduleTriggerData, TriggerData } from '../executions/execution.types.js';
import { WorkflowDefinitions, type LoadedWorkflow } from './workflow-definitions.js';

const MANUAL_RUN_TIMEOUT_MS = 30_000;

/** docs/executions.md: a manual run goes through the same engine, with the caller as its user. */
@Injectable()
export class ManualRunService {
  constructor(
    private readonly definitions: WorkflowDefinitions,
    private readonly executionService: ExecutionService,
    private readonly queue: ExecutionQueue,
    private readonly waiters: CompletionWaiters,
    private readonly concurrencyKeys: ConcurrencyKeys,
  ) {}

  async run(workflowId: string, input: ManualRunDto, principal: Principal): Promise<{ status: number; body: unknown }> {
    const current = await this.definitions.current(workflowId);
    if (!current || (principal.role !== 'admin' && current.ownerId !== principal.userId)) throw notFound('Workflow', workflowId);
    const workflow = await this.definitions.load(workflowId, current.version);
    if (!workflow) throw notFound('Workflow', workflowId);
    const execution = { id: newId(), workflowId, mode: 'manual' as const, triggerData: triggerDataFor(workflow, input) };
    const concurrencyKey = await this.concurrencyKeys.keyFor(workflow.settings, { ...execution, workflowName: workflow.name });
    const created = await this.executionService.createExecution({
      ...execution,
      workflowVersion: current.version,
      webhookId: null,
      userId: principal.userId,
      idempotencyKey: null,
      retryOf: null,
      createdAt: new Date(),
      concurrencyKey,
    });
    const outcome = this.waiters.wait(created.id, MANUAL_RUN_TIMEOUT_MS);
    this.queue.enqueue([{ id: created.id, workflowId, workflowVersion: current.version, concurrencyKey, awaited: true }]);
    return this.waiters.answer(created.id, await outcome);
  }
}

/** A schedule workflow's manual run fires "now" (docs/schedules.md): scheduledFor is the time of the run. */
function triggerDataFor(workflow: LoadedWorkflow, input: ManualRunDto): TriggerData | ScheduleTriggerData {
  const now = new Date().toISOString();
  const trigger = workflow.graph.trigger;
  if (trigger.type === 'schedule') return { scheduledFor: now, firedAt: now, timezone: (trigger.parameters?.timezone as string | undefined) ?? 'UTC' };
  return { body: input.body ?? {}, headers: redactHeaders(input.headers ?? {}), query: input.query ?? {}, method: 'POST', receivedAt: now };
}
