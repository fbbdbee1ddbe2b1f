export const webhookUrl = (publicUrl, id) => `${publicUrl}/webhook/handler/${id}`;
export const toWebhookDto = (webhook, publicUrl) => ({
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
//# sourceMappingURL=webhook.mapper.js.map