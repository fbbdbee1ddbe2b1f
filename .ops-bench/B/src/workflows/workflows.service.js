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
import { conflict, invalid, notFound } from '../common/app-error.js';
import { ownerScope } from '../common/principal.js';
import { newId } from '../database/uuid.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import { reachabilityWarnings, validateSettings, validateWorkflow } from './workflow-validator.js';
import { WorkflowsRepository } from './workflows.repository.js';
/** Drops absent optional fields so stored nodes hold only what was sent; `parameters` defaults to {}. */
function cleanNode(node) {
    const present = Object.entries(node).filter(([, value]) => value !== undefined);
    return { parameters: {}, ...Object.fromEntries(present) };
}
const valuesOf = (input) => ({
    name: input.name,
    description: input.description ?? '',
    nodes: input.nodes.map(cleanNode),
    connections: input.connections ?? {},
    settings: input.settings ?? {},
});
/**
 * Workflows: CRUD for the API, scoped by owner (members see only their own; admins everything),
 * and the lookups the engine and webhooks need (SPEC §2's WorkflowService). Every change bumps
 * `version` and stores the new snapshot in the same transaction, so executions can always point at
 * the exact definition they ran.
 */
let WorkflowsService = class WorkflowsService {
    repository;
    registry;
    constructor(repository, registry) {
        this.repository = repository;
        this.registry = registry;
    }
    async createWorkflow(principal, input) {
        const values = valuesOf(input);
        const warnings = await this.validate(values, principal.userId);
        const workflow = await this.repository.transaction(async (repository) => {
            const created = await repository.insert(newId(), principal.userId, values, input.active ?? false);
            await repository.insertSnapshot(created.id);
            return created;
        });
        return { workflow, warnings };
    }
    listWorkflows(principal, query) {
        return this.repository.list({ ...query, ownerId: ownerScope(principal) });
    }
    /** Another member's workflow is "not found", never "forbidden" (SPEC §9.1). */
    async getWorkflow(principal, id) {
        const workflow = await this.repository.findById(id, ownerScope(principal));
        if (!workflow)
            throw notFound('Workflow', id);
        return workflow;
    }
    /** PUT: the whole definition, based on `expectedVersion`; 409 if someone changed it since. */
    async replaceWorkflow(principal, id, input, expectedVersion) {
        const current = await this.getWorkflow(principal, id);
        const values = valuesOf(input);
        // Credentials must belong to the workflow's owner, also when an admin edits it.
        const warnings = await this.validate(values, current.ownerId);
        const workflow = await this.repository.transaction(async (repository) => {
            const replaced = await repository.replace(id, expectedVersion, values, input.active);
            if (!replaced) {
                const version = await repository.currentVersion(id);
                if (version === null)
                    throw notFound('Workflow', id);
                throw conflict(`Workflow ${id} is at version ${version}, not ${expectedVersion}: it changed since you read it; fetch it again and reapply your changes`);
            }
            await repository.insertSnapshot(id);
            return replaced;
        });
        return { workflow, warnings };
    }
    /** PATCH: name, description and/or the whole settings object; the graph stays as it is. */
    async patchWorkflow(principal, id, patch) {
        const current = await this.getWorkflow(principal, id);
        if (patch.settings !== undefined) {
            const errors = validateSettings(patch.settings);
            if (errors.length)
                throw invalid(errors);
        }
        const unchanged = patch.name === undefined && patch.description === undefined && patch.settings === undefined;
        const workflow = unchanged ? current : await this.changeAndSnapshot(id, (repository) => repository.patch(id, patch));
        return { workflow, warnings: reachabilityWarnings(workflow) };
    }
    /** Idempotent: a workflow already in that state is returned as it is, without a new version. */
    async setActive(principal, id, active) {
        const current = await this.getWorkflow(principal, id);
        if (current.active === active)
            return current;
        const changed = await this.repository.transaction(async (repository) => {
            const updated = await repository.setActive(id, active);
            if (updated)
                await repository.insertSnapshot(id);
            return updated;
        });
        // Null when a concurrent request got there first (or deleted it): answer with what is there now.
        return changed ?? this.getWorkflow(principal, id);
    }
    async deleteWorkflow(principal, id) {
        await this.getWorkflow(principal, id);
        if (!(await this.repository.delete(id)))
            throw notFound('Workflow', id);
    }
    // --- SPEC §2's WorkflowService, for the engine and webhooks (no owner scoping) ---
    getWorkflowById(id) {
        return this.repository.findById(id);
    }
    /** False for a missing workflow too: either way its webhooks must not run it. */
    isWorkflowActive(id) {
        return this.repository.isActive(id);
    }
    async incrementTriggerCount(id, by = 1) {
        await this.repository.incrementTriggerCount(id, by);
    }
    /** The definition as it was at `version`; kept after edits and after the workflow is deleted. */
    getVersion(workflowId, version) {
        return this.repository.findVersion(workflowId, version);
    }
    /** Throws 400 with every error; answers the warnings. */
    async validate(values, ownerId) {
        const { errors, warnings } = await validateWorkflow(values, {
            registry: this.registry,
            ownerId,
            findCredentials: (ids) => this.repository.findCredentials(ids),
        });
        if (errors.length)
            throw invalid(errors);
        return warnings;
    }
    async changeAndSnapshot(id, change) {
        return this.repository.transaction(async (repository) => {
            const changed = await change(repository);
            if (!changed)
                throw notFound('Workflow', id);
            await repository.insertSnapshot(id);
            return changed;
        });
    }
};
WorkflowsService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [WorkflowsRepository,
        NodeRegistry])
], WorkflowsService);
export { WorkflowsService };
//# sourceMappingURL=workflows.service.js.map