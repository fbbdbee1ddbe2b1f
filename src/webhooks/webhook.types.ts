export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

export const RESPONSE_MODES = ['onReceived', 'lastNode', 'responseNode'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

export const WEBHOOK_AUTH_TYPES = ['none', 'header', 'basic', 'hmac'] as const;
export type WebhookAuthType = (typeof WEBHOOK_AUTH_TYPES)[number];

export const HMAC_PRESETS = ['standardWebhooks', 'github', 'stripe', 'generic'] as const;
export type HmacPreset = (typeof HMAC_PRESETS)[number];

export interface WebhookAuthentication {
  type: WebhookAuthType;
  credentialId?: string;
  preset?: HmacPreset;
  headerName?: string;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  encoding?: 'hex' | 'base64';
  toleranceSeconds?: number;
}

export interface WebhookRateLimit {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in seconds. */
  windowSeconds: number;
}
