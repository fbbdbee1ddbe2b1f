import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository.js';
import type { WorkflowNode, WorkflowSettings } from '../workflows/workflow.types.js';
import { WorkflowsRepository, type WorkflowRunTarget } from '../workflows/workflows.repository.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import { WorkflowGraph } from './workflow-graph.js';

/** One immutable workflow version, ready to run: its graph computed once. */
export interface LoadedWorkflow {
  id: string;
  name: string;
  version: number;
  settings: WorkflowSettings;
  graph: WorkflowGraph;
  /**
   * Every node is instant (node-executor.ts), none retries and none has a forEach: a run has no outside effect and takes
   * microseconds to milliseconds of CPU, so a fresh webhook execution may run before it is stored
   * (WebhookIngestService.runsBeforeCommit, ExecutionEngine.runBeforeCommit).
   */
  pure: boolean;
  /**
   * The node a run starts right after the trigger when it has outside effects (the first edge of the
   * trigger's output, that node's only input; no forEach, not disabled): the first thing such a run
   * does is commit the trigger's result and that node as started, which the insert of an execution
   * stored already claimed does in its place (ExecutionEngine.firstCallRecords). Null otherwise.
   */
  firstCall: WorkflowNode | null;
}

const CACHE_LIMIT = 2000;

/**
 * Workflow versions by (id, version). Versions never change once written, so the cache needs no
 * invalidation, and a run keeps the version it started with while the workflow is edited.
 */
@Injectable()
export class WorkflowDefinitions {
  private readonly cache = new Map<string, Promise<LoadedWorkflow | undefined>>();

  constructor(
    private readonly workflows: WorkflowsRepository,
    private readonly users: UsersRepository,
    private readonly registry: NodeRegistry,
  ) {}

  load(workflowId: string, version: number): Promise<LoadedWorkflow | undefined> {
    const key = `${workflowId}:${version}`;
    let loaded = this.cache.get(key);
    if (!loaded) {
      loaded = this.fetch(workflowId, version);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, loaded);
      // A failed read (database down) must not stay cached.
      loaded.catch(() => this.cache.delete(key));
    }
    return loaded;
  }

  /** The workflow's current version and owner, for starting a run of it. */
  current(workflowId: string): Promise<WorkflowRunTarget | undefined> {
    return this.workflows.findRunTarget(workflowId);
  }

  /** Whether the user is an admin (who may run any workflow as a sub-workflow, docs/lists-and-subworkflows.md). */
  isAdmin(userId: string): Promise<boolean> {
    return this.users.isAdmin(userId);
  }

  private firstCallOf(graph: WorkflowGraph): WorkflowNode | null {
    if (graph.trigger.disabled) return null;
    const edge = graph.outgoing.get(graph.trigger.name)?.[0]?.[0];
    const node = edge && graph.nodes.get(edge.to);
    if (!node || graph.incoming.get(node.name)!.length !== 1 || node.disabled || node.forEach !== undefined) return null;
    return this.registry.executor(node.type)?.description.sideEffects === true ? node : null;
  }

  private async fetch(workflowId: string, version: number): Promise<LoadedWorkflow | undefined> {
    const row = await this.workflows.findVersionDefinition(workflowId, version);
    if (!row) return undefined;
    const settings = row.settings ?? {};
    const graph = new WorkflowGraph({ nodes: row.nodes, connections: row.connections ?? {}, settings });
    return {
      id: workflowId,
      name: row.name,
      version,
      settings,
      graph,
      firstCall: this.firstCallOf(graph),
      // Retries wait between tries, and a forEach may run 10,000 elements: such a run can last long
      // enough to be seen, and canceled, as RUNNING.
      pure: row.nodes.every((node) => this.registry.executor(node.type)?.description.instant === true && !node.retryOnFail && node.forEach === undefined),
    };
  }
}
