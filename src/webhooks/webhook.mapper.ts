import type { WebhookDto } from './dto/webhook.dto.js';
import type { WebhookEntity } from './webhook.entity.js';

export const webhookUrl = (publicUrl: string, id: string): string => `${publicUrl}/webhook/handler/${id}`;

export const toWebhookDto = (webhook: WebhookEntity, publicUrl: string): WebhookDto => ({
  id: webhook.id,
  url: webhookUrl(publicUrl, webhook.id),
  workflowId: webhook.workflowId,
  method: webhook.method,
  responseMode: webhook.responseMode,
  responseTimeoutMs: webhook.responseTimeoutMs,
  authentication: webhook.authentication,
  idempotencyHeader: webhook.idempotencyHeader,
  rateLimit: webhook.rateLimit,
  active: webhook.active,
  createdAt: webhook.createdAt.toISOString(),
  lastTriggeredAt: webhook.lastTriggeredAt?.toISOString() ?? null,
});
