var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
/** The deletes of the retention pass (SPEC §7.8). */
let RetentionRepository = class RetentionRepository {
    dataSource;
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    /**
     * Deletes at most `limit` ended executions that completed before the cutoff; rows with an
     * idempotency key use the longer `keyedRetentionDays`. SKIP LOCKED lets replicas run passes at the
     * same time without waiting on each other, and a small batch keeps every lock short. Found through
     * IDX_executions_completed_at. Returns how many rows went.
     */
    async deleteEnded(retentionDays, keyedRetentionDays, limit) {
        const runner = this.dataSource.createQueryRunner();
        try {
            const result = await runner.query(`DELETE FROM workflow_executions WHERE id IN (
           SELECT id FROM workflow_executions
            WHERE "completedAt" < now() - make_interval(days => $1)
              AND status IN ('COMPLETED', 'FAILED', 'CANCELED')
              AND ("idempotencyKey" IS NULL OR "completedAt" < now() - make_interval(days => $2))
            LIMIT $3
            FOR UPDATE SKIP LOCKED)`, [retentionDays, keyedRetentionDays, limit], true);
            return result.affected ?? 0;
        }
        finally {
            await runner.release();
        }
    }
};
RetentionRepository = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], RetentionRepository);
export { RetentionRepository };
//# sourceMappingURL=retention.repository.js.map