import { Injectable } from '@nestjs/common';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { WorkflowEntity } from '../workflows/workflow.entity.js';
import { WebhookEntity } from './webhook.entity.js';

/** A webhook with the two facts of its workflow that access checks and ingestion need. */
export type WebhookWithWorkflow = Omit<WebhookEntity, 'workflow'> & { workflow: Pick<WorkflowEntity, 'id' | 'ownerId' | 'active'> };

export type WebhookChanges = Partial<Omit<WebhookEntity, 'id' | 'workflowId' | 'workflow' | 'createdAt'>>;

export interface WebhookListFilter {
  ownerId?: string;
  workflowId?: string;
  limit: number;
  cursor?: string;
}

@Injectable()
export class WebhooksRepository {
  private readonly webhooks: Repository<WebhookEntity>;
  private readonly workflows: Repository<WorkflowEntity>;

  constructor(dataSource: DataSource) {
    this.webhooks = dataSource.getRepository(WebhookEntity);
    this.workflows = dataSource.getRepository(WorkflowEntity);
  }

  /** The workflow's owner, for access checks; `ownerId` set: only if that user owns it. */
  findWorkflowOwner(id: string, ownerId?: string): Promise<Pick<WorkflowEntity, 'id' | 'ownerId'> | null> {
    return this.workflows.findOne({ select: { id: true, ownerId: true }, where: ownerId === undefined ? { id } : { id, ownerId } });
  }

  /** True when the workflow's trigger is a `schedule` (docs/schedules.md: no webhook can be attached to it). */
  async hasScheduleTrigger(workflowId: string): Promise<boolean> {
    const rows: unknown[] = await this.workflows.query(`SELECT 1 FROM workflows WHERE id = $1 AND nodes @> '[{"type":"schedule"}]'::jsonb`, [workflowId]);
    return rows.length > 0;
  }

  /** One query, on the ingestion hot path too: the workflow's nodes are not read. */
  findWithWorkflow(id: string, ownerId?: string): Promise<WebhookWithWorkflow | null> {
    const query = this.withWorkflow(ownerId).andWhere('webhook.id = :id', { id });
    return query.getOne() as Promise<WebhookWithWorkflow | null>;
  }

  /** Newest first, `limit + 1` rows (see toPage). */
  list(filter: WebhookListFilter): Promise<WebhookEntity[]> {
    const query = this.withWorkflow(filter.ownerId);
    if (filter.workflowId !== undefined) query.andWhere('webhook.workflowId = :workflowId', { workflowId: filter.workflowId });
    if (filter.cursor !== undefined) query.andWhere('webhook.id < :cursor', { cursor: filter.cursor });
    return query.orderBy('webhook.id', 'DESC').limit(filter.limit + 1).getMany();
  }

  insert(webhook: WebhookEntity): Promise<WebhookEntity> {
    return this.webhooks.save(webhook);
  }

  async update(id: string, changes: WebhookChanges): Promise<void> {
    // TypeORM's partial-entity type does not follow jsonb columns typed as interfaces.
    await this.webhooks.update({ id }, changes as Parameters<Repository<WebhookEntity>['update']>[1]);
  }

  async delete(id: string): Promise<void> {
    await this.webhooks.delete({ id });
  }

  private withWorkflow(ownerId: string | undefined): SelectQueryBuilder<WebhookEntity> {
    const query = this.webhooks
      .createQueryBuilder('webhook')
      .innerJoin('webhook.workflow', 'workflow')
      .addSelect(['workflow.id', 'workflow.ownerId', 'workflow.active']);
    if (ownerId !== undefined) query.andWhere('workflow.ownerId = :ownerId', { ownerId });
    return query;
  }
}
