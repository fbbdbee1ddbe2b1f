import { Injectable } from '@nestjs/common';
import { executeWorkflowDescription } from './execute-workflow.description.js';
import type { NodeExecutor, NodeOutcome, NodeRunContext } from './node-executor.js';
import { SubworkflowPort } from './subworkflow-port.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';

/**
 * Runs another workflow as a child execution (docs/lists-and-subworkflows.md). With waitForCompletion the node pauses the
 * execution; when the child's end wakes it, the node runs again, finds the same child (one per node
 * run and element, enforced by the database) and outputs its result.
 */
@Injectable()
export class ExecuteWorkflowNode implements NodeExecutor {
  readonly description = executeWorkflowDescription;

  constructor(private readonly port: SubworkflowPort) {}

  async execute({ node, parameters, input, executionId, workflowId, index }: NodeRunContext): Promise<NodeOutcome> {
    const target = parameters.workflowId;
    if (typeof target !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(target)) {
      return { kind: 'failed', error: `parameter "workflowId" must be a workflow id, got ${JSON.stringify(target) ?? 'nothing'}`, errorKind: 'input' };
    }
    const wait = parameters.waitForCompletion ?? true;
    if (typeof wait !== 'boolean') return { kind: 'failed', error: `parameter "waitForCompletion" must be true or false, got ${JSON.stringify(wait)}`, errorKind: 'input' };
    if (!this.port.starter) return { kind: 'failed', error: 'Sub-workflows are not available in this process', errorKind: 'internal' };
    return this.port.starter.child({
      parentExecutionId: executionId,
      parentWorkflowId: workflowId,
      parentNode: node.name,
      index: index ?? 0,
      workflowId: target.toLowerCase(),
      input: parameters.input === undefined ? input : parameters.input,
      waitForCompletion: wait,
    });
  }

  /** One element failed: the children the others wait for are canceled (fire-and-forget ones go on). */
  async stopElements({ executionId, node }: { executionId: string; node: WorkflowNode }): Promise<number[]> {
    return this.port.starter ? this.port.starter.cancelChildren(executionId, node.name) : [];
  }
}
