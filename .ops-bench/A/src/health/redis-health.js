var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import { createRedis, withTimeout } from '../engine/queue/redis-connection.js';
/**
 * Readiness in queue mode includes Redis (SPEC §8.1). A connection of its own that never queues
 * commands while disconnected, so a PING during a Redis outage fails at once instead of hanging.
 */
let RedisHealth = class RedisHealth {
    redis;
    constructor(config) {
        this.redis = config.redisUrl ? createRedis(config.redisUrl, 'health', { failFast: true }) : undefined;
    }
    /** False when not in queue mode: there is nothing to check. */
    get enabled() {
        return this.redis !== undefined;
    }
    async ping(timeoutMs) {
        if (!this.redis)
            return;
        const answer = await withTimeout(this.redis.ping(), timeoutMs, 'Redis PING');
        if (answer !== 'PONG')
            throw new Error(`Redis answered PING with ${answer}`);
    }
    onApplicationShutdown() {
        this.redis?.disconnect();
    }
};
RedisHealth = __decorate([
    Injectable(),
    __param(0, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [Object])
], RedisHealth);
export { RedisHealth };
//# sourceMappingURL=redis-health.js.map