import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CredentialCipher } from '../credentials/credential-crypto.js';

export const VIEW_LINK_DEFAULT_SECONDS = 15 * 60;
export const VIEW_LINK_MAX_SECONDS = 24 * 3600;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const EXPIRES = /^\d{1,12}$/;

export type ViewLinkCheck = 'valid' | 'expired' | 'invalid';

/**
 * Signed links to one execution's HTML view (docs/executions.md), so the page opens in a browser without
 * the API key in a URL. `expires` (Unix seconds) and the execution id are signed with HMAC-SHA256
 * under a key derived from the encryption key (like resume tokens): nothing is stored, a link opens
 * only its execution, and changing either part breaks it. Who may create one is checked when it is
 * created; a link cannot be revoked before it expires, except by rotating ENCRYPTION_KEY.
 */
@Injectable()
export class ViewLinks {
  private readonly key: Buffer;

  constructor(
    cipher: CredentialCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = cipher.deriveKey('execution-view-links');
  }

  create(executionId: string, ttlSeconds = VIEW_LINK_DEFAULT_SECONDS, now = Date.now()): { url: string; expiresAt: string } {
    const expires = Math.floor(now / 1000) + ttlSeconds;
    const query = new URLSearchParams({ expires: String(expires), signature: this.sign(executionId, String(expires)) });
    return { url: `${this.config.publicUrl}${signedViewPath(executionId)}?${query}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  check(executionId: string, expires: unknown, signature: unknown, now = Date.now()): ViewLinkCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !EXPIRES.test(expires) || !SIGNATURE.test(signature)) return 'invalid';
    const presented = Buffer.from(signature, 'base64url');
    const expected = Buffer.from(this.sign(executionId, expires), 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return 'invalid';
    return Number(expires) * 1000 <= now ? 'expired' : 'valid';
  }

  private sign(executionId: string, expires: string): string {
    // Postgres answers ids in lower case; a link spelled otherwise names the same execution.
    return createHmac('sha256', this.key).update(`execution-view\0${executionId.toLowerCase()}\0${expires}`).digest('base64url');
  }
}

export const signedViewPath = (executionId: string): string => `/executions/${encodeURIComponent(executionId)}/signed-view`;
