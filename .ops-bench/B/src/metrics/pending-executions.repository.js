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
/** A scrape must answer even when the database is slow: past this the last known values are kept. */
const QUERY_TIMEOUT_MS = 1000;
/** Counting stops here: the gauge's job is to show a backlog, and an exact count of millions costs a scan. */
const COUNT_CAP = 100_000;
/** The backlog of PENDING executions, read at scrape time. */
let PendingExecutionsRepository = class PendingExecutionsRepository {
    dataSource;
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    /**
     * One round trip over the (status, id) index. Past the cap the count stops and the oldest is taken
     * among the first rows by id, which is creation order for UUID v7: close enough to raise an alert.
     */
    async read() {
        const query = this.dataSource.query(`SELECT count(*)::int AS count, COALESCE(EXTRACT(EPOCH FROM now() - min(p."createdAt")), 0)::float8 AS age
         FROM (SELECT "createdAt" FROM workflow_executions WHERE status = 'PENDING' LIMIT ${COUNT_CAP}) p`);
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`pending executions query took over ${QUERY_TIMEOUT_MS} ms`)), QUERY_TIMEOUT_MS);
        });
        try {
            const [row] = await Promise.race([query, timeout]);
            return { count: Number(row.count), oldestAgeSeconds: Math.max(0, Number(row.age)) };
        }
        finally {
            clearTimeout(timer);
            query.catch(() => undefined);
        }
    }
};
PendingExecutionsRepository = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], PendingExecutionsRepository);
export { PendingExecutionsRepository };
//# sourceMappingURL=pending-executions.repository.js.map