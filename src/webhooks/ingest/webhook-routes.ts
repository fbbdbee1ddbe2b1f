import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ResponseMode, WebhookAuthentication, WebhookMethod, WebhookRateLimit } from '../webhook.types.js';

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

/**
 * One primary-key join per request. Not cached on purpose: deactivating a workflow or webhook must
 * take effect for the very next request, on every replica.
 */
@Injectable()
export class WebhookRoutes {
  constructor(private readonly dataSource: DataSource) {}

  async find(id: string): Promise<WebhookRoute | undefined> {
    const rows: WebhookRoute[] = await this.dataSource.query(
      `SELECT h.id, h.method, h."responseMode", h."responseTimeoutMs", h.authentication, h."idempotencyHeader", h."rateLimit", h.active,
              w.id AS "workflowId", w.active AS "workflowActive", w."ownerId", w.version
         FROM webhooks h JOIN workflows w ON w.id = h."workflowId"
        WHERE h.id = $1`,
      [id],
    );
    return rows[0];
  }
}
