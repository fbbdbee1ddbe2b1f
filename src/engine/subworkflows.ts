import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { newId } from '../common/uuid.js';
import type { ExecutionEntity } from '../executions/execution.entity.js';
import { ExecutionLifecycle, type Finished } from '../executions/execution-lifecycle.js';
import { ExecutionsRepository } from '../executions/executions.repository.js';
import { ExecutionService } from '../executions/execution.service.js';
import { MAX_SUBWORKFLOW_DEPTH } from '../nodes/execute-workflow.description.js';
import type { NodeOutcome } from '../nodes/node-executor.js';
import type { ChildRequest, SubworkflowStarter } from '../nodes/subworkflow-port.js';
import { validateTriggerBody } from '../nodes/trigger-validation.js';
import { lastOutput } from './completion-waiters.js';
import { ConcurrencyKeys } from './concurrency/concurrency-keys.js';
import { ExecutionQueue } from './execution-queue.js';
import { WorkflowDefinitions } from './workflow-definitions.js';

/**
 * Child executions of executeWorkflow nodes (docs/lists-and-subworkflows.md). A node run (and forEach element) has at
 * most one child, whoever asks again: the database's unique index decides, so a parent run again
 * after a crash, a takeover or a resume finds the child it started instead of starting another.
 */
@Injectable()
export class Subworkflows implements SubworkflowStarter {
  private readonly logger = new Logger('Subworkflows');

  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly definitions: WorkflowDefinitions,
    private readonly queue: ExecutionQueue,
    private readonly executionService: ExecutionService,
    private readonly concurrencyKeys: ConcurrencyKeys,
    private readonly lifecycle: ExecutionLifecycle,
  ) {
    lifecycle.on('finished', ({ execution }: Finished) => {
      if (execution.parentWaits && execution.parentExecutionId) void this.wakeParent(execution.parentExecutionId);
    });
  }

  /**
   * A sub-workflow ended and its parent waits for it: the database made the parent due (migration
   * Subworkflows); this process wakes it now (the queue's wake timer, through `suspended`) rather
   * than at the next recovery sweep.
   */
  private async wakeParent(parentId: string): Promise<void> {
    try {
      const parent = await this.executions.dueParent(parentId);
      if (parent) this.lifecycle.emit('suspended', { id: parentId, workflowId: parent.workflowId, until: new Date(), waitTill: parent.waitTill });
    } catch (error) {
      this.logger.warn({ msg: `Execution ${parentId}: could not wake it after its child ended (the recovery sweep will): ${(error as Error).message}`, executionId: parentId });
    }
  }

  cancelChildren(parentExecutionId: string, parentNode: string): Promise<number[]> {
    return this.executionService.cancelNodeChildren(parentExecutionId, parentNode);
  }

  async child(request: ChildRequest): Promise<NodeOutcome> {
    const existing = await this.executions.findChild(request.parentExecutionId, request.parentNode, request.index);
    if (existing) return outcomeOf(existing, request.waitForCompletion);
    const parent = await this.executions.parentOf(request.parentExecutionId);
    if (!parent) return { kind: 'failed', error: `Execution ${request.parentExecutionId} not found` };
    if (parent.depth + 1 >= MAX_SUBWORKFLOW_DEPTH) {
      return { kind: 'failed', error: `Sub-workflow depth limit reached: at most ${MAX_SUBWORKFLOW_DEPTH} executions in a chain of executeWorkflow calls` };
    }
    const target = await this.definitions.current(request.workflowId);
    const parentWorkflow = await this.definitions.current(request.parentWorkflowId);
    // The same rule as validation (an expression's id is only known now): the owner's workflows, or any for an admin.
    if (!target || !parentWorkflow || !(target.ownerId === parentWorkflow.ownerId || (await this.definitions.isAdmin(parentWorkflow.ownerId)))) {
      return { kind: 'failed', error: `Workflow ${request.workflowId} does not exist or is not visible to the workflow's owner` };
    }
    const workflow = await this.definitions.load(request.workflowId, target.version);
    if (!workflow) return { kind: 'failed', error: `Workflow ${request.workflowId} version ${target.version} not found` };
    if (workflow.graph.trigger.type === 'trigger') {
      try {
        validateTriggerBody(workflow.graph.trigger.parameters ?? {}, request.input);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { kind: 'failed', error: `Workflow ${request.workflowId} refused the input: ${error.message}` };
      }
    }
    const receivedAt = new Date();
    const execution = {
      id: newId(),
      workflowId: request.workflowId,
      mode: 'subworkflow' as const,
      triggerData: { body: request.input, headers: {}, query: {}, method: 'CALL', receivedAt: receivedAt.toISOString() },
    };
    const concurrencyKey = await this.concurrencyKeys.keyFor(workflow.settings, { ...execution, workflowName: workflow.name });
    const child = await this.executions.insertChild({
      ...execution,
      concurrencyKey,
      workflowVersion: target.version,
      webhookId: null,
      userId: parent.userId,
      idempotencyKey: null,
      retryOf: null,
      createdAt: receivedAt,
      parentExecutionId: request.parentExecutionId,
      parentNode: request.parentNode,
      parentIndex: request.index,
      parentWaits: request.waitForCompletion,
    });
    if (child.created) this.lifecycle.emit('created', { id: child.id, workflowId: request.workflowId, mode: 'subworkflow', parentExecutionId: request.parentExecutionId, parentWaits: request.waitForCompletion });
    else {
      const found = await this.executions.findChild(request.parentExecutionId, request.parentNode, request.index);
      if (found) return outcomeOf(found, request.waitForCompletion);
    }
    // A child found rather than created (a race with the same node run elsewhere) is queued with the key it was stored with.
    this.queue.enqueue([{ id: child.id, workflowId: request.workflowId, workflowVersion: target.version, concurrencyKey: child.created ? concurrencyKey : undefined, awaited: false }]);
    return request.waitForCompletion ? { kind: 'waiting', until: null } : { kind: 'success', output: { executionId: child.id } };
  }
}

/** What the node outputs given its child: its result once it ended, else the node keeps waiting. */
function outcomeOf(child: ExecutionEntity, wait: boolean): NodeOutcome {
  if (!wait) return { kind: 'success', output: { executionId: child.id } };
  switch (child.status) {
    case 'COMPLETED':
      return { kind: 'success', output: lastOutput(child.nodeExecutions ?? []) };
    case 'FAILED':
      return { kind: 'failed', error: `Sub-workflow execution ${child.id} failed: ${child.error ?? 'unknown error'}` };
    case 'CANCELED':
      return { kind: 'failed', error: `Sub-workflow execution ${child.id} was canceled` };
    default:
      return { kind: 'waiting', until: null };
  }
}
