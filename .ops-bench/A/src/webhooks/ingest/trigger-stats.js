var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
const FLUSH_INTERVAL_MS = 2000;
/**
 * `triggerCount` and `lastTriggeredAt` (SPEC §7.6.7) are counted in memory and flushed every two
 * seconds in two statements, so a busy webhook never makes its workflow row a hot spot. They lag by
 * at most the interval; a crash loses at most that much counting, never an execution.
 */
let TriggerStats = class TriggerStats {
    dataSource;
    logger = new Logger('TriggerStats');
    counts = new Map();
    lastSeen = new Map();
    timer;
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    onModuleInit() {
        this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
        this.timer.unref();
    }
    record(workflowId, webhookId, at) {
        this.counts.set(workflowId, (this.counts.get(workflowId) ?? 0) + 1);
        this.lastSeen.set(webhookId, at);
    }
    async flush() {
        if (!this.counts.size && !this.lastSeen.size)
            return;
        const counts = this.counts;
        const lastSeen = this.lastSeen;
        this.counts = new Map();
        this.lastSeen = new Map();
        try {
            if (counts.size) {
                await this.dataSource.query(`UPDATE workflows w SET "triggerCount" = w."triggerCount" + v.n FROM unnest($1::uuid[], $2::int[]) AS v(id, n) WHERE w.id = v.id`, [[...counts.keys()], [...counts.values()]]);
            }
            if (lastSeen.size) {
                await this.dataSource.query(`UPDATE webhooks h SET "lastTriggeredAt" = GREATEST(h."lastTriggeredAt", v.at) FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE h.id = v.id`, [[...lastSeen.keys()], [...lastSeen.values()]]);
            }
        }
        catch (error) {
            // Put the counts back for the next flush: the database may be restarting.
            for (const [id, n] of counts)
                this.counts.set(id, (this.counts.get(id) ?? 0) + n);
            for (const [id, at] of lastSeen)
                if (!this.lastSeen.has(id))
                    this.lastSeen.set(id, at);
            this.logger.warn(`Could not flush trigger statistics: ${error.message}`);
        }
    }
    async beforeApplicationShutdown() {
        clearInterval(this.timer);
        await this.flush();
    }
};
TriggerStats = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], TriggerStats);
export { TriggerStats };
//# sourceMappingURL=trigger-stats.js.map