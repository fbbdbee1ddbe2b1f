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
import { WorkflowGraph } from './workflow-graph.js';
const CACHE_LIMIT = 2000;
/**
 * Workflow versions by (id, version). Versions never change once written, so the cache needs no
 * invalidation, and a run keeps the version it started with while the workflow is edited.
 */
let WorkflowDefinitions = class WorkflowDefinitions {
    dataSource;
    cache = new Map();
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    load(workflowId, version) {
        const key = `${workflowId}:${version}`;
        let loaded = this.cache.get(key);
        if (!loaded) {
            loaded = this.fetch(workflowId, version);
            if (this.cache.size >= CACHE_LIMIT)
                this.cache.delete(this.cache.keys().next().value);
            this.cache.set(key, loaded);
            // A failed read (database down) must not stay cached.
            loaded.catch(() => this.cache.delete(key));
        }
        return loaded;
    }
    /** The workflow's current version and owner, for starting a run of it. */
    async current(workflowId) {
        const rows = await this.dataSource.query('SELECT "ownerId", version, active FROM workflows WHERE id = $1', [workflowId]);
        return rows[0];
    }
    async fetch(workflowId, version) {
        const rows = await this.dataSource.query('SELECT name, nodes, connections, settings FROM workflow_versions WHERE "workflowId" = $1 AND version = $2', [workflowId, version]);
        const row = rows[0];
        if (!row)
            return undefined;
        const settings = row.settings ?? {};
        return {
            id: workflowId,
            name: row.name,
            version,
            settings,
            graph: new WorkflowGraph({ nodes: row.nodes, connections: row.connections ?? {}, settings }),
        };
    }
};
WorkflowDefinitions = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], WorkflowDefinitions);
export { WorkflowDefinitions };
//# sourceMappingURL=workflow-definitions.js.map