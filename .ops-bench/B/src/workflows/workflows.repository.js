var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var WorkflowsRepository_1;
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WorkflowVersionEntity } from './workflow-version.entity.js';
import { WorkflowEntity } from './workflow.entity.js';
const SUMMARY_COLUMNS = 'id, "ownerId", name, description, active, settings, version, "triggerCount", "createdAt", "updatedAt"';
/** `bigint` arrives as a string from pg; raw rows skip the entity's transformer, so convert here. */
const toEntity = (row) => Object.assign(new WorkflowEntity(), row, { triggerCount: Number(row.triggerCount) });
const json = (value) => JSON.stringify(value);
/** LIKE treats `%`, `_` and `\` specially; a search for "50%" means those characters literally. */
const likeEscape = (text) => text.replace(/[\\%_]/g, '\\$&');
/**
 * Every workflows query. Writes are explicit SQL so that `version` moves by exactly one per change
 * (`version + 1`, checked in the WHERE for PUT) instead of through TypeORM's @VersionColumn
 * bookkeeping, and the snapshot copies the row as written.
 */
let WorkflowsRepository = WorkflowsRepository_1 = class WorkflowsRepository {
    manager;
    constructor(dataSource) {
        this.manager = dataSource.manager;
    }
    /**
     * `work` gets a repository bound to the transaction: every query inside must go through it (the
     * embedded PGlite serialises connections, so a query on another one would wait forever).
     */
    transaction(work) {
        return this.manager.transaction((manager) => work(new WorkflowsRepository_1({ manager })));
    }
    async findById(id, ownerId) {
        const rows = ownerId
            ? await this.manager.query('SELECT * FROM workflows WHERE id = $1 AND "ownerId" = $2', [id, ownerId])
            : await this.manager.query('SELECT * FROM workflows WHERE id = $1', [id]);
        return rows.length ? toEntity(rows[0]) : null;
    }
    /** Newest first, `limit + 1` rows (the extra one says another page exists); no nodes or connections. */
    async list(filter) {
        const params = [];
        const param = (value) => `$${params.push(value)}`;
        const conditions = [];
        if (filter.ownerId)
            conditions.push(`"ownerId" = ${param(filter.ownerId)}`);
        if (filter.active !== undefined)
            conditions.push(`active = ${param(filter.active)}`);
        if (filter.search)
            conditions.push(`name ILIKE ${param(`%${likeEscape(filter.search)}%`)}`);
        if (filter.cursor)
            conditions.push(`id < ${param(filter.cursor)}`);
        const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
        const rows = await this.manager.query(`SELECT ${SUMMARY_COLUMNS} FROM workflows ${where} ORDER BY id DESC LIMIT ${param(filter.limit + 1)}`, params);
        return rows.map(toEntity);
    }
    async insert(id, ownerId, values, active) {
        const rows = await this.manager.query(`INSERT INTO workflows (id, "ownerId", name, description, active, nodes, connections, settings, version)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, 1) RETURNING *`, [id, ownerId, values.name, values.description, active, json(values.nodes), json(values.connections), json(values.settings)]);
        return toEntity(rows[0]);
    }
    /** Full replace, only if the row is still at `expectedVersion`; null otherwise. `active` undefined keeps it. */
    replace(id, expectedVersion, values, active) {
        return this.updateOne(`UPDATE workflows SET name = $3, description = $4, active = COALESCE($5, active), nodes = $6::jsonb, connections = $7::jsonb, settings = $8::jsonb,
         version = version + 1, "updatedAt" = now()
       WHERE id = $1 AND version = $2 RETURNING *`, [id, expectedVersion, values.name, values.description, active ?? null, json(values.nodes), json(values.connections), json(values.settings)]);
    }
    /** Changes the given fields only; undefined ones keep their value. */
    patch(id, changes) {
        return this.updateOne(`UPDATE workflows SET name = COALESCE($2, name), description = COALESCE($3, description), settings = COALESCE($4::jsonb, settings),
         version = version + 1, "updatedAt" = now()
       WHERE id = $1 RETURNING *`, [id, changes.name ?? null, changes.description ?? null, changes.settings === undefined ? null : json(changes.settings)]);
    }
    /** Null when the workflow is missing or already in that state (so a repeat is not a change). */
    setActive(id, active) {
        return this.updateOne(`UPDATE workflows SET active = $2, version = version + 1, "updatedAt" = now() WHERE id = $1 AND active <> $2 RETURNING *`, [id, active]);
    }
    /** Copies the definition as it now stands into workflow_versions; call in the transaction that changed it. */
    async insertSnapshot(workflowId) {
        await this.manager.query(`INSERT INTO workflow_versions ("workflowId", version, name, nodes, connections, settings)
       SELECT id, version, name, nodes, connections, settings FROM workflows WHERE id = $1`, [workflowId]);
    }
    async currentVersion(id) {
        const rows = await this.manager.query('SELECT version FROM workflows WHERE id = $1', [id]);
        return rows[0]?.version ?? null;
    }
    /** Webhooks go with it (foreign key cascade); executions and snapshots stay. */
    async delete(id) {
        const [, deleted] = (await this.manager.query('DELETE FROM workflows WHERE id = $1', [id]));
        return deleted > 0;
    }
    async isActive(id) {
        const rows = await this.manager.query('SELECT active FROM workflows WHERE id = $1', [id]);
        return rows[0]?.active === true;
    }
    async incrementTriggerCount(id, by) {
        await this.manager.query('UPDATE workflows SET "triggerCount" = "triggerCount" + $2 WHERE id = $1', [id, by]);
    }
    findVersion(workflowId, version) {
        return this.manager.findOneBy(WorkflowVersionEntity, { workflowId, version });
    }
    /** What validation needs to know about referenced credentials, in one query; never their data. */
    findCredentials(ids) {
        return this.manager.query('SELECT id, type, "ownerId" FROM credentials WHERE id = ANY($1)', [ids]);
    }
    /** TypeORM answers an UPDATE with [rows, affected]. */
    async updateOne(sql, params) {
        const [rows] = (await this.manager.query(sql, params));
        return rows.length ? toEntity(rows[0]) : null;
    }
};
WorkflowsRepository = WorkflowsRepository_1 = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], WorkflowsRepository);
export { WorkflowsRepository };
//# sourceMappingURL=workflows.repository.js.map