import { Injectable } from '@nestjs/common';
import { conflict, invalid, notFound } from '../common/app-error.js';
import { ownerScope, type Principal } from '../common/principal.js';
import { RouteChanges } from '../common/route-changes.js';
import { CredentialsRepository } from '../credentials/credentials.repository.js';
import { newId } from '../common/uuid.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import { describeSchedule, scheduleTrigger, syncSchedule, type ScheduleView } from '../schedules/schedule-state.js';
import { reachabilityWarnings, validateSettings, validateWorkflow, workflowReferenceErrors } from './workflow-validator.js';
import type { WorkflowEntity } from './workflow.entity.js';
import type { WorkflowConnections, WorkflowNode, WorkflowSettings } from './workflow.types.js';
import { WorkflowsRepository, type WorkflowSummary, type WorkflowValues } from './workflows.repository.js';

export interface WorkflowInput {
  name: string;
  description?: string;
  nodes: WorkflowNode[];
  connections?: WorkflowConnections;
  settings?: WorkflowSettings;
  active?: boolean;
}

export interface WorkflowPatch {
  name?: string;
  description?: string;
  settings?: WorkflowSettings;
}

export interface WorkflowQuery {
  active?: boolean;
  search?: string;
  cursor?: string;
  limit: number;
}

/** A saved workflow and what validation found allowed but suspicious. */
export interface SavedWorkflow {
  workflow: WorkflowEntity;
  warnings: string[];
}

/** Drops absent optional fields so stored nodes hold only what was sent; `parameters` defaults to {}. */
function cleanNode(node: WorkflowNode): WorkflowNode {
  const present = Object.entries(node).filter(([, value]) => value !== undefined);
  return { parameters: {}, ...Object.fromEntries(present) } as WorkflowNode;
}

const valuesOf = (input: WorkflowInput): WorkflowValues => ({
  name: input.name,
  description: input.description ?? '',
  nodes: input.nodes.map(cleanNode),
  connections: input.connections ?? {},
  settings: input.settings ?? {},
});

/**
 * Workflows: CRUD for the API, scoped by owner (members see only their own; admins everything),
 * and the lookups the engine and webhooks need (the original design's WorkflowService). Every change bumps
 * `version` and stores the new snapshot in the same transaction, so executions can always point at
 * the exact definition they ran.
 */
@Injectable()
export class WorkflowsService {
  constructor(
    private readonly repository: WorkflowsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly registry: NodeRegistry,
    private readonly routeChanges: RouteChanges,
  ) {}

  async createWorkflow(principal: Principal, input: WorkflowInput): Promise<SavedWorkflow> {
    const values = valuesOf(input);
    const warnings = await this.validate(values, principal.userId);
    const workflow = await this.repository.transaction(async (repository) => {
      const created = await repository.insert(newId(), principal.userId, values, input.active ?? false);
      await repository.insertSnapshot(created.id);
      await syncSchedule(repository.schedules, created, created.active);
      return created;
    });
    return { workflow, warnings };
  }

  listWorkflows(principal: Principal, query: WorkflowQuery): Promise<WorkflowSummary[]> {
    return this.repository.list({ ...query, ownerId: ownerScope(principal) });
  }

  /** Another member's workflow is "not found", never "forbidden" (docs/security.md). */
  async getWorkflow(principal: Principal, id: string): Promise<WorkflowEntity> {
    const workflow = await this.repository.findById(id, ownerScope(principal));
    if (!workflow) throw notFound('Workflow', id);
    return workflow;
  }

  /** PUT: the whole definition, based on `expectedVersion`; 409 if someone changed it since. */
  async replaceWorkflow(principal: Principal, id: string, input: WorkflowInput, expectedVersion: number): Promise<SavedWorkflow> {
    const current = await this.getWorkflow(principal, id);
    const values = valuesOf(input);
    // Credentials must belong to the workflow's owner, also when an admin edits it.
    const warnings = await this.validate(values, current.ownerId);
    const trigger = scheduleTrigger(values.nodes);
    const workflow = await this.repository.transaction(async (repository) => {
      if (trigger) await this.refuseWebhooks(repository, id, trigger.name);
      const replaced = await repository.replace(id, expectedVersion, values, input.active);
      if (!replaced) {
        const version = await repository.currentVersion(id);
        if (version === null) throw notFound('Workflow', id);
        throw conflict(`Workflow ${id} is at version ${version}, not ${expectedVersion}: it changed since you read it; fetch it again and reapply your changes`);
      }
      await repository.insertSnapshot(id);
      await syncSchedule(repository.schedules, replaced, replaced.active && !current.active);
      return replaced;
    });
    this.routeChanges.workflowChanged(id);
    return { workflow, warnings };
  }

  /** PATCH: name, description and/or the whole settings object; the graph stays as it is. */
  async patchWorkflow(principal: Principal, id: string, patch: WorkflowPatch): Promise<SavedWorkflow> {
    const current = await this.getWorkflow(principal, id);
    if (patch.settings !== undefined) {
      const errors = validateSettings(patch.settings);
      if (!errors.length) errors.push(...(await workflowReferenceErrors(patch.settings, { findVisibleWorkflows: (ids) => this.repository.findVisibleWorkflows(ids, current.ownerId) })));
      if (errors.length) throw invalid(errors);
    }
    const unchanged = patch.name === undefined && patch.description === undefined && patch.settings === undefined;
    const workflow = unchanged ? current : await this.changeAndSnapshot(id, (repository) => repository.patch(id, patch));
    this.routeChanges.workflowChanged(id);
    return { workflow, warnings: reachabilityWarnings(workflow) };
  }

  /** Idempotent: a workflow already in that state is returned as it is, without a new version. */
  async setActive(principal: Principal, id: string, active: boolean): Promise<WorkflowEntity> {
    const current = await this.getWorkflow(principal, id);
    if (current.active === active) return current;
    const changed = await this.repository.transaction(async (repository) => {
      const updated = await repository.setActive(id, active);
      if (updated) {
        await repository.insertSnapshot(id);
        await syncSchedule(repository.schedules, updated, updated.active);
      }
      return updated;
    });
    this.routeChanges.workflowChanged(id);
    // Null when a concurrent request got there first (or deleted it): answer with what is there now.
    return changed ?? this.getWorkflow(principal, id);
  }

  async deleteWorkflow(principal: Principal, id: string): Promise<void> {
    await this.getWorkflow(principal, id);
    const deleted = await this.repository.delete(id);
    this.routeChanges.workflowChanged(id);
    if (!deleted) throw notFound('Workflow', id);
  }

  /** docs/schedules.md `GET /workflows/:id/schedule`: 404 as getWorkflow, 400 without a schedule trigger. */
  async getSchedule(principal: Principal, id: string): Promise<ScheduleView> {
    const workflow = await this.getWorkflow(principal, id);
    const view = await this.scheduleOf(workflow);
    if (!view) throw invalid(`Workflow ${id} has no schedule trigger: it runs when its webhooks are called`);
    return view;
  }

  /** The schedule shown with a workflow; null for a webhook workflow. */
  async scheduleOf(workflow: WorkflowEntity): Promise<ScheduleView | null> {
    if (!scheduleTrigger(workflow.nodes)) return null;
    return describeSchedule(workflow, await this.repository.schedules.find(workflow.id));
  }

  /** No owner scoping: for settings, which checks that a named error workflow exists. */
  getWorkflowById(id: string): Promise<WorkflowEntity | null> {
    return this.repository.findById(id);
  }

  /** Throws 400 with every error; answers the warnings. */
  private async validate(values: WorkflowValues, ownerId: string): Promise<string[]> {
    const { errors, warnings } = await validateWorkflow(values, {
      registry: this.registry,
      ownerId,
      findCredentials: (ids) => this.credentials.findSummaries(ids),
      findVisibleWorkflows: (ids) => this.repository.findVisibleWorkflows(ids, ownerId),
    });
    if (errors.length) throw invalid(errors);
    return warnings;
  }

  /** A workflow whose trigger becomes a schedule must lose its webhooks first (docs/schedules.md): say which. */
  private async refuseWebhooks(repository: WorkflowsRepository, id: string, triggerName: string): Promise<void> {
    const webhooks = await repository.webhookIds(id);
    if (webhooks.length) {
      throw invalid(`node "${triggerName}": a workflow with a schedule trigger cannot have webhooks; delete its webhooks first (${webhooks.join(', ')})`);
    }
  }

  private async changeAndSnapshot(id: string, change: (repository: WorkflowsRepository) => Promise<WorkflowEntity | null>): Promise<WorkflowEntity> {
    return this.repository.transaction(async (repository) => {
      const changed = await change(repository);
      if (!changed) throw notFound('Workflow', id);
      await repository.insertSnapshot(id);
      return changed;
    });
  }
}
