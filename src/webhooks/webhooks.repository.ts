import { Injectable } from '@nestjs/common';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { WorkflowEntity } from '../workflows/workflow.entity.js';
import { WebhookEntity } from './webhook.entity.js';
import type { ResponseMode, WebhookAuthentication, WebhookMethod, WebhookRateLimit } from './webhook.types.js';

/** A webhook with the two facts of its workflow that access checks and ingestion need. */
export type WebhookWithWorkflow = Omit<WebhookEntity, 'workflow'> & { workflow: Pick<WorkflowEntity, 'id' | 'ownerId' | 'active'> };

/** A webhook joined with what ingestion needs of its workflow. */
export interface WebhookRoute {
  id: string;
  method: WebhookMethod;
  responseMode: ResponseMode;
  responseTimeoutMs: number;
  authentication: WebhookAuthentication;
  idempotencyHeader: string;
  rateLimit: WebhookRateLimit | null;
  active: boolean;
  workflowId: string;
  workflowActive: boolean;
  ownerId: string;
  version: number;
}

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

  constructor(dataSource: DataSource) {
    this.webhooks = dataSource.getRepository(WebhookEntity);
  }

  /** The webhook and what ingestion needs of its workflow, in one query (WebhookRoutes caches it). */
  async findRoute(id: string): Promise<WebhookRoute | undefined> {
    const rows: WebhookRoute[] = await this.webhooks.query(
      `SELECT h.id, h.method, h."responseMode", h."responseTimeoutMs", h.authentication, h."idempotencyHeader", h."rateLimit", h.active,
              w.id AS "workflowId", w.active AS "workflowActive", w."ownerId", w.version
         FROM webhooks h JOIN workflows w ON w.id = h."workflowId"
        WHERE h.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Moves `lastTriggeredAt` forward (never back), every webhook in one statement. */
  async recordLastTriggered(lastSeen: Map<string, Date>): Promise<void> {
    await this.webhooks.query(
      `UPDATE webhooks h SET "lastTriggeredAt" = GREATEST(h."lastTriggeredAt", v.at) FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE h.id = v.id`,
      [[...lastSeen.keys()], [...lastSeen.values()]],
    );
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
