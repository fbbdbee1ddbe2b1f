import { Injectable } from '@nestjs/common';
import { conflict, invalid, notFound } from '../common/app-error.js';
import { Batcher } from '../common/batcher.js';
import type { Principal } from '../common/principal.js';
import { ExecutionLifecycle } from './execution-lifecycle.js';
import { logExecutionEnd } from './execution-log.js';
import type { ExecutionEntity } from './execution.entity.js';
import { ExecutionsRepository, type ExecutionFilter, type ExecutionStats, type InsertResult, type NewExecution, type StatsFilter } from './executions.repository.js';
import { WorkflowsRepository } from '../workflows/workflows.repository.js';

/** GET /executions/stats: the widest range asked at once (a month of daily partitions). */
export const STATS_MAX_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

/**
 * Executions as the rest of the service sees them (README.md names). Creation goes through a group
 * commit: concurrent webhooks share one INSERT, and each caller learns only its own row's fate.
 */
@Injectable()
export class ExecutionService {
  private readonly inserts: Batcher<NewExecution, InsertResult>;

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly workflows: WorkflowsRepository,
    private readonly lifecycle: ExecutionLifecycle,
  ) {
    this.inserts = new Batcher((rows) => this.insertAndTell(rows), 500, 4);
  }

  private async insertAndTell(rows: NewExecution[]): Promise<InsertResult[]> {
    const results = await this.executions.insertMany(rows);
    for (let i = 0; i < rows.length; i++) if (results[i].created) this.lifecycle.emit('created', rows[i]);
    return results;
  }

  /** Resolves once the row is committed: `created: false` for a known idempotency key. */
  createExecution(execution: NewExecution): Promise<InsertResult> {
    return this.inserts.submit(execution);
  }

  /**
   * The execution if the caller may see it, else 404. Members see the executions of their workflows
   * (an admin's manual run or retry of one included) and those they started (docs/security.md).
   */
  async getExecution(id: string, principal: Principal): Promise<ExecutionEntity> {
    const execution = await this.executions.findById(id);
    if (!execution) throw notFound('Execution', id);
    if (principal.role === 'admin' || execution.userId === principal.userId) return execution;
    if (!(await this.workflows.findOwner(execution.workflowId, principal.userId))) throw notFound('Execution', id);
    return execution;
  }

  /** The execution whoever asks: only for a caller already authorised another way (a signed view link). */
  async getExecutionUnscoped(id: string): Promise<ExecutionEntity> {
    const execution = await this.executions.findById(id);
    if (!execution) throw notFound('Execution', id);
    return execution;
  }

  /**
   * docs/security.md: another user's workflow is a 404, and so is an id that names no workflow. A deleted
   * workflow's executions stay (README.md) and are still listed to whoever may see them.
   */
  async getExecutionsByWorkflow(workflowId: string, principal: Principal, limit: number, cursor: string | undefined, withNodes: boolean): Promise<ExecutionEntity[]> {
    const owner = (await this.workflows.findOwner(workflowId))?.ownerId;
    if (owner !== undefined && principal.role !== 'admin' && owner !== principal.userId) throw notFound('Workflow', workflowId);
    const rows = await this.listExecutions({ workflowId }, principal, limit, cursor, withNodes);
    if (owner === undefined && rows.length === 0 && cursor === undefined) throw notFound('Workflow', workflowId);
    return rows;
  }

  listExecutions(filter: ExecutionFilter, principal: Principal, limit: number, cursor: string | undefined, withNodes: boolean): Promise<ExecutionEntity[]> {
    const scoped = principal.role === 'admin' ? filter : { ...filter, visibleTo: principal.userId };
    return this.executions.list(scoped, limit, cursor, withNodes);
  }

  /**
   * GET /executions/stats (docs/retention-and-sizing.md) over [from, to]: `to` defaults to now, `from` to a day before
   * `to`. Scoped like the list: a member counts the executions they may see.
   */
  async stats(query: { workflowId?: string; from?: string; to?: string }, principal: Principal): Promise<ExecutionStats & { from: Date; to: Date }> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
    if (from > to) throw invalid('from must not be after to');
    if (to.getTime() - from.getTime() > STATS_MAX_RANGE_DAYS * DAY_MS) throw invalid(`from and to must be at most ${STATS_MAX_RANGE_DAYS} days apart`);
    const filter: StatsFilter = { workflowId: query.workflowId, from, to, ...(principal.role !== 'admin' && { visibleTo: principal.userId }) };
    return { ...(await this.executions.stats(filter)), from, to };
  }

  /** Bulk retry's picks (ExecutionsRepository.findRetryCandidates), scoped to what the caller may see. */
  findRetryCandidates(filter: Omit<ExecutionFilter, 'visibleTo' | 'status'> & { status: 'FAILED' | 'CANCELED' }, principal: Principal, limit: number): Promise<string[]> {
    return this.executions.findRetryCandidates(principal.role === 'admin' ? filter : { ...filter, visibleTo: principal.userId }, limit);
  }

  /** PENDING, RUNNING or WAITING → CANCELED; a run in this process is aborted at once. */
  async cancel(id: string, principal: Principal): Promise<ExecutionEntity> {
    const execution = await this.getExecution(id, principal);
    if (!(await this.executions.cancel(id))) throw conflict(`Execution ${id} is ${execution.status} and cannot be canceled`);
    this.lifecycle.emit('canceled', { id });
    await this.cancelWaitedChildren(id);
    const canceled = await this.getExecution(id, principal);
    logExecutionEnd(canceled, 'CANCELED', canceled.completedAt && canceled.startedAt ? canceled.completedAt.getTime() - canceled.startedAt.getTime() : 0, canceled.error, undefined);
    return canceled;
  }

  /** Cancelling a parent cancels the children it waits for that have not ended (docs/lists-and-subworkflows.md). */
  private async cancelWaitedChildren(id: string): Promise<void> {
    for (const child of await this.executions.findWaitedDescendantsToCancel(id)) {
      if (await this.executions.cancel(child)) this.lifecycle.emit('canceled', { id: child });
    }
  }

  /**
   * A forEach node failed on an element (docs/lists-and-subworkflows.md): the children its other
   * elements wait for and that have not ended are canceled, with theirs, as a cancel of the parent
   * would. Answers the canceled children's element indexes.
   */
  async cancelNodeChildren(parentId: string, parentNode: string): Promise<number[]> {
    const canceled: number[] = [];
    for (const child of await this.executions.findWaitedChildrenToCancel(parentId, parentNode)) {
      if (!(await this.executions.cancel(child.id))) continue;
      this.lifecycle.emit('canceled', { id: child.id });
      await this.cancelWaitedChildren(child.id);
      canceled.push(child.index);
    }
    return canceled;
  }

  /** `children` of GET /executions/:id (docs/lists-and-subworkflows.md). */
  findChildren(id: string): ReturnType<ExecutionsRepository['findChildren']> {
    return this.executions.findChildren(id);
  }
}
