export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
export const RESPONSE_MODES = ['onReceived', 'lastNode', 'responseNode'];
export const WEBHOOK_AUTH_TYPES = ['none', 'header', 'basic', 'hmac'];
export const HMAC_PRESETS = ['standardWebhooks', 'github', 'stripe', 'generic'];
//# sourceMappingURL=webhook.types.js.map