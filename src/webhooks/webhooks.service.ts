import { Injectable } from '@nestjs/common';
import { invalid, notFound } from '../common/app-error.js';
import { ownerScope, type Principal } from '../common/principal.js';
import { RouteChanges } from '../common/route-changes.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { newId } from '../common/uuid.js';
import { CREDENTIAL_TYPE_FOR_AUTH, normalizeAuthentication } from './webhook-auth.js';
import { WebhookEntity } from './webhook.entity.js';
import type { WebhookAuthentication, WebhookMethod, ResponseMode, WebhookRateLimit } from './webhook.types.js';
import { WebhooksRepository, type WebhookChanges, type WebhookWithWorkflow } from './webhooks.repository.js';
import { WorkflowsRepository } from '../workflows/workflows.repository.js';

export interface WebhookSettings {
  method?: WebhookMethod;
  responseMode?: ResponseMode;
  responseTimeoutMs?: number;
  authentication?: WebhookAuthentication;
  idempotencyHeader?: string;
  rateLimit?: WebhookRateLimit | null;
  active?: boolean;
}

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Webhooks belong to a workflow; a member reaches only those of its own workflows, and any other is
 * "not found" (docs/security.md).
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly workflows: WorkflowsRepository,
    private readonly credentials: CredentialsService,
    private readonly routeChanges: RouteChanges,
  ) {}

  async create(principal: Principal, input: WebhookSettings & { workflowId: string }): Promise<WebhookEntity> {
    const workflow = await this.visibleWorkflow(principal, input.workflowId);
    if (await this.workflows.hasScheduleTrigger(workflow.id)) {
      throw invalid(`workflowId: workflow ${workflow.id} is started by its schedule trigger; no webhook can be attached to it`);
    }
    const authentication = await this.checkAuthentication(principal, workflow.ownerId, input.authentication ?? { type: 'none' });
    const webhook = Object.assign(new WebhookEntity(), {
      id: newId(),
      workflowId: workflow.id,
      method: input.method ?? 'POST',
      responseMode: input.responseMode ?? 'onReceived',
      responseTimeoutMs: input.responseTimeoutMs ?? 30_000,
      authentication,
      idempotencyHeader: input.idempotencyHeader ?? 'Idempotency-Key',
      rateLimit: input.rateLimit ? { limit: input.rateLimit.limit, windowSeconds: input.rateLimit.windowSeconds } : null,
      active: input.active ?? true,
      lastTriggeredAt: null,
    });
    try {
      return await this.repository.insert(webhook);
    } catch (error) {
      // The workflow was deleted between the check and the insert.
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw notFound('Workflow', input.workflowId);
      throw error;
    }
  }

  async list(principal: Principal, query: { workflowId?: string; limit: number; cursor?: string }): Promise<WebhookEntity[]> {
    if (query.workflowId !== undefined) await this.visibleWorkflow(principal, query.workflowId);
    return this.repository.list({ ownerId: ownerScope(principal), ...query });
  }

  async get(principal: Principal, id: string): Promise<WebhookWithWorkflow> {
    const webhook = await this.repository.findWithWorkflow(id, ownerScope(principal));
    if (!webhook) throw notFound('Webhook', id);
    return webhook;
  }

  async update(principal: Principal, id: string, input: WebhookSettings): Promise<WebhookWithWorkflow> {
    const changes: WebhookChanges = {};
    for (const [field, value] of Object.entries(input)) if (value !== undefined) Object.assign(changes, { [field]: value });
    if (!Object.keys(changes).length) throw invalid('Nothing to update: send at least one field');
    const webhook = await this.get(principal, id);
    if (input.authentication !== undefined) changes.authentication = await this.checkAuthentication(principal, webhook.workflow.ownerId, input.authentication);
    if (input.rateLimit) changes.rateLimit = { limit: input.rateLimit.limit, windowSeconds: input.rateLimit.windowSeconds };
    await this.repository.update(id, changes);
    this.routeChanges.webhookChanged(id);
    return this.get(principal, id);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.get(principal, id);
    await this.repository.delete(id);
    this.routeChanges.webhookChanged(id);
  }

  private async visibleWorkflow(principal: Principal, workflowId: string): Promise<{ id: string; ownerId: string }> {
    const workflow = await this.workflows.findOwner(workflowId, ownerScope(principal));
    if (!workflow) throw notFound('Workflow', workflowId);
    return workflow;
  }

  /**
   * The stored form of `authentication`: the type's rules hold, and its credential exists, has the
   * type the check needs and belongs to the workflow's owner (whose runs will use it).
   */
  private async checkAuthentication(principal: Principal, workflowOwnerId: string, input: WebhookAuthentication): Promise<WebhookAuthentication> {
    const { authentication, problems } = normalizeAuthentication(input);
    if (problems.length) throw invalid(problems);
    if (authentication.type === 'none' || !authentication.credentialId) return authentication;
    const id = authentication.credentialId;
    const [credential] = await this.credentials.findForValidation([id]);
    // A member must not learn that another user's credential exists.
    if (!credential || (ownerScope(principal) !== undefined && credential.ownerId !== principal.userId)) {
      throw invalid(`authentication.credentialId: credential ${id} does not exist`);
    }
    if (credential.ownerId !== workflowOwnerId) throw invalid(`authentication.credentialId: credential ${id} belongs to another user than the workflow's owner`);
    const expected = CREDENTIAL_TYPE_FOR_AUTH[authentication.type];
    if (credential.type !== expected) {
      throw invalid(`authentication.credentialId: credential ${id} is of type ${credential.type}, but authentication type ${authentication.type} needs a ${expected} credential`);
    }
    return authentication;
  }
}
