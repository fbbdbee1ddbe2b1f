var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
/**
 * Per-webhook fixed-window counters in memory (single-server mode). Returns the seconds to wait
 * when the request is over the limit.
 */
let RateLimiter = class RateLimiter {
    windows = new Map();
    take(key, limit, now = Date.now()) {
        const windowMs = limit.windowSeconds * 1000;
        let window = this.windows.get(key);
        if (!window || now - window.start >= windowMs) {
            window = { start: now, count: 0 };
            this.windows.set(key, window);
            if (this.windows.size > 100_000)
                this.prune(now);
        }
        if (window.count >= limit.limit)
            return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
        window.count++;
        return undefined;
    }
    prune(now) {
        for (const [key, window] of this.windows)
            if (now - window.start > 86_400_000)
                this.windows.delete(key);
    }
};
RateLimiter = __decorate([
    Injectable()
], RateLimiter);
export { RateLimiter };
//# sourceMappingURL=rate-limiter.js.map