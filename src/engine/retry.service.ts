import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '../common/app-error.js';
import type { Principal } from '../common/principal.js';
import { newId } from '../common/uuid.js';
import type { ExecutionEntity } from '../executions/execution.entity.js';
import { ExecutionService } from '../executions/execution.service.js';
import type { NodeExecution } from '../executions/execution.types.js';
import type { BulkRetryDto, RetryExecutionDto } from './dto/retry.dto.js';
import { ConcurrencyKeys } from './concurrency/concurrency-keys.js';
import { ExecutionQueue } from './execution-queue.js';
import { WorkflowDefinitions } from './workflow-definitions.js';

/**
 * docs/executions.md retry: a new execution (`mode: retry`, `retryOf`) of a FAILED or CANCELED one. From the
 * failed node, the successful nodes' stored records are copied in and replay instead of running,
 * so their outputs (and `$node` references to them) are reused.
 */
@Injectable()
export class RetryService {
  constructor(
    private readonly executions: ExecutionService,
    private readonly definitions: WorkflowDefinitions,
    private readonly queue: ExecutionQueue,
    private readonly concurrencyKeys: ConcurrencyKeys,
  ) {}

  /**
   * Bulk retry, for the day after an outage: each picked execution is retried as `retry` would,
   * newest first by startedAt; those that already have a retry are left out (docs/executions.md).
   */
  async retryMany(options: BulkRetryDto, principal: Principal): Promise<{ count: number; executionIds: string[] }> {
    const ids = await this.executions.findRetryCandidates({ status: options.status, workflowId: options.workflowId, from: options.from, to: options.to }, principal, options.limit ?? 100);
    const executionIds: string[] = [];
    for (const id of ids) executionIds.push((await this.retry(id, { from: options.start ?? 'failedNode' }, principal)).id);
    return { count: executionIds.length, executionIds };
  }

  async retry(id: string, options: RetryExecutionDto, principal: Principal): Promise<ExecutionEntity> {
    const original = await this.executions.getExecution(id, principal);
    if (original.status !== 'FAILED' && original.status !== 'CANCELED') throw conflict(`Execution ${id} is ${original.status}; only FAILED or CANCELED executions can be retried`);
    let version = original.workflowVersion;
    if (options.workflowVersion === 'current') {
      const current = await this.definitions.current(original.workflowId);
      if (!current) throw notFound('Workflow', original.workflowId);
      version = current.version;
    }
    const workflow = await this.definitions.load(original.workflowId, version);
    if (!workflow) throw notFound('Workflow version', `${original.workflowId}@${version}`);
    const reuse = (options.from ?? 'failedNode') === 'failedNode' && workflow.settings.saveNodeData !== 'errorsOnly';
    const newExecutionId = newId();
    const concurrencyKey = await this.concurrencyKeys.keyFor(workflow.settings, { id: newExecutionId, workflowId: original.workflowId, workflowName: workflow.name, mode: 'retry', triggerData: original.triggerData });
    const created = await this.executions.createExecution({
      id: newExecutionId,
      concurrencyKey,
      workflowId: original.workflowId,
      workflowVersion: version,
      webhookId: original.webhookId,
      userId: principal.userId,
      mode: 'retry',
      triggerData: original.triggerData,
      idempotencyKey: null,
      retryOf: original.id,
      nodeExecutions: reuse ? reusable(original.nodeExecutions, (name) => workflow.graph.nodes.has(name)) : [],
      createdAt: new Date(),
    });
    this.queue.enqueue([{ id: created.id, workflowId: original.workflowId, workflowVersion: version, concurrencyKey, awaited: false }]);
    return this.executions.getExecution(created.id, principal);
  }
}

/**
 * Successful records whose output was stored in full and whose node still exists. Without
 * `saveNodeData: all` the outputs were never stored, so the caller retries from the start instead.
 * A failed forEach node comes back as in flight with its elements that succeeded: the retry runs
 * only the others (docs/lists-and-subworkflows.md).
 */
function reusable(records: NodeExecution[], exists: (name: string) => boolean): NodeExecution[] {
  return records.flatMap((record): NodeExecution[] => {
    if (!exists(record.nodeName)) return [];
    if (record.status === 'SUCCESS') return isTruncated(record.output) ? [] : [record];
    if (record.status !== 'FAILED' || !record.elements) return [];
    const succeeded = record.elements.filter((element) => element.status === 'SUCCESS' && !isTruncated(element.output));
    return [{ ...record, status: 'RUNNING', output: null, error: null, attempts: 0, completedAt: null, executionTime: null, elements: succeeded }];
  });
}

function isTruncated(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { truncated?: unknown }).truncated === true && 'bytes' in value;
}
