import { Injectable } from '@nestjs/common';
import type { WebhookRateLimit } from '../webhook.types.js';

/**
 * Per-webhook fixed-window counters in memory (single-server mode). Returns the seconds to wait
 * when the request is over the limit.
 */
@Injectable()
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  take(key: string, limit: WebhookRateLimit, now = Date.now()): number | undefined {
    const windowMs = limit.windowSeconds * 1000;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.prune(now);
    }
    if (window.count >= limit.limit) return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    window.count++;
    return undefined;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start > 86_400_000) this.windows.delete(key);
  }
}
