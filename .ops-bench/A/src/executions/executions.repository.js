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
import { ExecutionEntity } from './execution.entity.js';
const SUMMARY_COLUMNS = ['id', 'workflowId', 'workflowVersion', 'webhookId', 'userId', 'mode', 'status', 'triggerData', 'error', 'retryOf', 'createdAt', 'startedAt', 'completedAt', 'attempt'];
/**
 * Every query on workflow_executions. The hot ones (insert, claim, complete) take batches and are
 * written as single statements over `unnest` arrays, so N executions cost one round trip.
 */
let ExecutionsRepository = class ExecutionsRepository {
    dataSource;
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    async insertMany(rows) {
        const inserted = await this.dataSource.query(`INSERT INTO workflow_executions
         (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "idempotencyKey", "retryOf", "nodeExecutions", "createdAt")
       SELECT v.id, v.wf, v.ver, v.hook, v.usr, v.mode, 'PENDING', v.trigger, v.ikey, v.retry, v.nodes, v.created
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::uuid[], $5::uuid[], $6::text[], $7::jsonb[], $8::text[], $9::uuid[], $10::jsonb[], $11::timestamptz[])
           AS v(id, wf, ver, hook, usr, mode, trigger, ikey, retry, nodes, created)
       ON CONFLICT ("webhookId", "idempotencyKey") WHERE "idempotencyKey" IS NOT NULL DO NOTHING
       RETURNING id`, [
            rows.map((r) => r.id),
            rows.map((r) => r.workflowId),
            rows.map((r) => r.workflowVersion),
            rows.map((r) => r.webhookId),
            rows.map((r) => r.userId),
            rows.map((r) => r.mode),
            rows.map((r) => (r.triggerData === null ? null : JSON.stringify(r.triggerData))),
            rows.map((r) => r.idempotencyKey),
            rows.map((r) => r.retryOf),
            rows.map((r) => JSON.stringify(r.nodeExecutions ?? [])),
            rows.map((r) => r.createdAt),
        ]);
        const created = new Set(inserted.map((row) => row.id));
        const duplicates = rows.filter((row) => !created.has(row.id));
        const originals = duplicates.length ? await this.findByIdempotencyKeys(duplicates) : new Map();
        return rows.map((row) => {
            if (created.has(row.id))
                return { created: true, id: row.id };
            const original = originals.get(`${row.webhookId}|${row.idempotencyKey}`);
            if (!original)
                throw new Error(`Execution ${row.id} was neither inserted nor found as a duplicate`);
            return { created: false, ...original };
        });
    }
    async findByIdempotencyKeys(rows) {
        const found = await this.dataSource.query(`SELECT e.id, e."webhookId", e."idempotencyKey", e.status
         FROM workflow_executions e
         JOIN unnest($1::uuid[], $2::text[]) AS k(hook, ikey) ON e."webhookId" = k.hook AND e."idempotencyKey" = k.ikey`, [rows.map((r) => r.webhookId), rows.map((r) => r.idempotencyKey)]);
        return new Map(found.map((row) => [`${row.webhookId}|${row.idempotencyKey}`, { id: row.id, status: row.status }]));
    }
    /**
     * Takes ownership of executions that are PENDING, or RUNNING under an expired lease. Each claim
     * bumps `attempt`, which fences every later write of a previous owner.
     */
    async claimMany(ids, owner, leaseMs) {
        const rows = await this.dataSource.query(`UPDATE workflow_executions
          SET status = 'RUNNING', attempt = attempt + 1, "leaseOwner" = $2,
              "leaseExpiresAt" = now() + make_interval(secs => $3::float8 / 1000), "startedAt" = COALESCE("startedAt", now())
        WHERE id = ANY($1::uuid[])
          AND (status = 'PENDING'
               OR (status = 'RUNNING' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < now()))
               OR (status = 'WAITING' AND "waitTill" <= now()))
        RETURNING id, "workflowId", "workflowVersion", "webhookId", "userId", mode, "triggerData", "nodeExecutions", attempt, "startedAt", "waitNode", "resumeData"`, [ids, owner, leaseMs]);
        return unwrapUpdate(rows);
    }
    /** Writes final states; returns the ids whose write was accepted (still RUNNING under that attempt). */
    async completeMany(states) {
        const rows = unwrapUpdate(await this.dataSource.query(`UPDATE workflow_executions e
            SET status = v.status, "nodeExecutions" = v.nodes, error = v.error, "completedAt" = v.completed,
                "webhookResponse" = COALESCE(v.response, e."webhookResponse"),
                "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "waitNode" = NULL, "waitTill" = NULL, "resumeData" = NULL
           FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[], $7::jsonb[])
             AS v(id, attempt, status, nodes, error, completed, response)
          WHERE e.id = v.id AND e.attempt = v.attempt AND e.status = 'RUNNING'
          RETURNING e.id`, [
            states.map((s) => s.id),
            states.map((s) => s.attempt),
            states.map((s) => s.status),
            states.map((s) => s.nodeExecutionsJson),
            states.map((s) => s.error),
            states.map((s) => s.completedAt),
            states.map((s) => s.webhookResponseJson),
        ]));
        return new Set(rows.map((row) => row.id));
    }
    /**
     * Commits progress before an outside effect (SPEC §7.7); false when the lease was lost. A resumed
     * wait is consumed here: once its node's result is committed, the resume data is not needed.
     */
    async saveProgress(id, attempt, nodeExecutionsJson, webhookResponseJson) {
        const rows = unwrapUpdate(await this.dataSource.query(`UPDATE workflow_executions
            SET "nodeExecutions" = $3::jsonb, "webhookResponse" = COALESCE($4::jsonb, "webhookResponse"),
                "waitNode" = NULL, "waitTill" = NULL, "resumeData" = NULL
          WHERE id = $1 AND attempt = $2 AND status = 'RUNNING' RETURNING id`, [id, attempt, nodeExecutionsJson, webhookResponseJson]));
        return rows.length === 1;
    }
    /** Parks a RUNNING execution at a wait node (SPEC §6): WAITING, no lease, no worker held. */
    async suspend(id, attempt, nodeExecutionsJson, webhookResponseJson, waitNode, waitTill) {
        const rows = unwrapUpdate(await this.dataSource.query(`UPDATE workflow_executions
            SET status = 'WAITING', "nodeExecutions" = $3::jsonb, "webhookResponse" = COALESCE($4::jsonb, "webhookResponse"),
                "waitNode" = $5, "waitTill" = $6, "resumeData" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL
          WHERE id = $1 AND attempt = $2 AND status = 'RUNNING' RETURNING id`, [id, attempt, nodeExecutionsJson, webhookResponseJson, waitNode, waitTill]));
        return rows.length === 1;
    }
    /**
     * Wakes an execution waiting at `waitNode` with the resume request. Single use: only a WAITING
     * execution without resume data matches, so a second call with the same token finds nothing.
     */
    async resume(id, waitNode, resumeDataJson) {
        const rows = unwrapUpdate(await this.dataSource.query(`UPDATE workflow_executions SET "resumeData" = $3::jsonb, "waitTill" = now()
          WHERE id = $1 AND status = 'WAITING' AND "waitNode" = $2 AND "resumeData" IS NULL RETURNING "workflowId"`, [id, waitNode, resumeDataJson]));
        return rows[0];
    }
    async renewLeases(ids, owner, leaseMs) {
        if (!ids.length)
            return new Set();
        const rows = unwrapUpdate(await this.dataSource.query(`UPDATE workflow_executions SET "leaseExpiresAt" = now() + make_interval(secs => $3::float8 / 1000)
          WHERE id = ANY($1::uuid[]) AND "leaseOwner" = $2 AND status = 'RUNNING' RETURNING id`, [ids, owner, leaseMs]));
        return new Set(rows.map((row) => row.id));
    }
    /** Hands executions back (SIGTERM) so another worker resumes them at once, not after the lease. */
    async releaseLeases(ids, owner) {
        if (!ids.length)
            return;
        await this.dataSource.query(`UPDATE workflow_executions SET "leaseExpiresAt" = now() - interval '1 second' WHERE id = ANY($1::uuid[]) AND "leaseOwner" = $2 AND status = 'RUNNING'`, [ids, owner]);
    }
    /** PENDING executions, RUNNING ones whose lease expired, and WAITING ones that are due; oldest first. */
    async findRecoverable(limit) {
        return this.dataSource.query(`(SELECT id, "workflowId" FROM workflow_executions WHERE status = 'PENDING' ORDER BY id LIMIT $1)
       UNION ALL
       (SELECT id, "workflowId" FROM workflow_executions WHERE status = 'RUNNING' AND "leaseExpiresAt" < now() ORDER BY id LIMIT $1)
       UNION ALL
       (SELECT id, "workflowId" FROM workflow_executions WHERE status = 'WAITING' AND "waitTill" <= now() ORDER BY "waitTill" LIMIT $1)`, [limit]);
    }
    /** WAITING executions due within `withinMs`, so this process can wake them on time. */
    async findWaitingDueWithin(withinMs, limit) {
        return this.dataSource.query(`SELECT id, "workflowId", "waitTill" FROM workflow_executions
        WHERE status = 'WAITING' AND "waitTill" <= now() + make_interval(secs => $1::float8 / 1000)
        ORDER BY "waitTill" LIMIT $2`, [withinMs, limit]);
    }
    async cancel(id) {
        const rows = unwrapUpdate(await this.dataSource.query(`UPDATE workflow_executions SET status = 'CANCELED', "completedAt" = now(), error = COALESCE(error, 'Canceled'),
                "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "waitNode" = NULL, "waitTill" = NULL, "resumeData" = NULL
          WHERE id = $1 AND status IN ('PENDING', 'RUNNING', 'WAITING') RETURNING id`, [id]));
        return rows.length === 1;
    }
    findById(id) {
        return this.dataSource.getRepository(ExecutionEntity).findOneBy({ id });
    }
    async findStatus(id) {
        const rows = await this.dataSource.query('SELECT status FROM workflow_executions WHERE id = $1', [id]);
        return rows[0]?.status;
    }
    /** Newest first; `limit + 1` rows so the caller can tell whether another page exists. */
    list(filter, limit, cursor, withNodes) {
        const query = this.dataSource
            .getRepository(ExecutionEntity)
            .createQueryBuilder('e')
            .select([...SUMMARY_COLUMNS, ...(withNodes ? ['nodeExecutions'] : [])].map((column) => `e.${column}`))
            .orderBy('e.id', 'DESC')
            .limit(limit + 1);
        if (filter.userId)
            query.andWhere('e.userId = :userId', { userId: filter.userId });
        if (filter.workflowId)
            query.andWhere('e.workflowId = :workflowId', { workflowId: filter.workflowId });
        if (filter.status)
            query.andWhere('e.status = :status', { status: filter.status });
        if (filter.from)
            query.andWhere('e.createdAt >= :from', { from: filter.from });
        if (filter.to)
            query.andWhere('e.createdAt <= :to', { to: filter.to });
        if (cursor)
            query.andWhere('e.id < :cursor', { cursor });
        return query.getMany();
    }
};
ExecutionsRepository = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], ExecutionsRepository);
export { ExecutionsRepository };
/** `dataSource.query` returns `[rows, count]` for UPDATE … RETURNING on postgres. */
function unwrapUpdate(result) {
    if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
        return result[0];
    return result;
}
//# sourceMappingURL=executions.repository.js.map