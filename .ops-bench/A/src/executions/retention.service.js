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
import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG } from '../config/app-config.js';
import { RetentionRepository } from './retention.repository.js';
/** Rows per DELETE: small enough that no statement holds locks or WAL for long. */
export const RETENTION_BATCH = 500;
/**
 * Executions with an idempotency key are kept at least this long, so that a sender redelivering an
 * event days later (Stripe retries for three days) still gets the original execution, not a second run.
 */
export const KEYED_MIN_RETENTION_DAYS = 4;
/** Pause between batches, so a large backlog does not monopolise a connection or the disk. */
const PAUSE_BETWEEN_BATCHES_MS = 20;
/**
 * Deletes ended executions older than EXECUTIONS_RETENTION_DAYS in the background (SPEC §7.8), every
 * EXECUTIONS_RETENTION_INTERVAL_MS plus up to 10% random jitter so that replicas do not align. Runs
 * in the roles that execute (`all`, `worker`); several replicas at once are safe.
 */
let RetentionService = class RetentionService {
    repository;
    config;
    logger = new Logger('Retention');
    timer;
    stopped = false;
    current;
    constructor(repository, config) {
        this.repository = repository;
        this.config = config;
    }
    onApplicationBootstrap() {
        if (this.config.appRole === 'api')
            return;
        this.scheduleNext();
    }
    /** One full pass: batch after batch until nothing is left to delete. Returns the rows deleted. */
    runOnce() {
        this.current ??= this.pass().finally(() => (this.current = undefined));
        return this.current;
    }
    async pass() {
        const days = this.config.executionsRetentionDays;
        const keyedDays = Math.max(days, KEYED_MIN_RETENTION_DAYS);
        const started = Date.now();
        let total = 0;
        for (;;) {
            const deleted = await this.repository.deleteEnded(days, keyedDays, RETENTION_BATCH);
            total += deleted;
            if (deleted < RETENTION_BATCH || this.stopped)
                break;
            await sleep(PAUSE_BETWEEN_BATCHES_MS);
        }
        if (total > 0)
            this.logger.log({ msg: `Deleted ${total} ended execution(s) older than ${days} day(s)`, deleted: total, retentionDays: days, durationMs: Date.now() - started });
        return total;
    }
    scheduleNext() {
        if (this.stopped)
            return;
        const interval = this.config.executionsRetentionIntervalMs;
        this.timer = setTimeout(() => {
            this.runOnce()
                .catch((error) => this.logger.warn({ msg: `Retention pass failed (retried next interval): ${error.message}` }))
                .finally(() => this.scheduleNext());
        }, interval + Math.floor(Math.random() * interval * 0.1));
        this.timer.unref();
    }
    /** SIGTERM: no new pass; a running one stops after its current batch, before the database closes. */
    async beforeApplicationShutdown() {
        this.stopped = true;
        clearTimeout(this.timer);
        await this.current?.catch(() => undefined);
    }
};
RetentionService = __decorate([
    Injectable(),
    __param(1, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [RetentionRepository, Object])
], RetentionService);
export { RetentionService };
//# sourceMappingURL=retention.service.js.map