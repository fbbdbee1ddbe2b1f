import { PinoLogger } from 'nestjs-pino';
import type { ExecutionMode } from './execution.types.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';

/**
 * The log of executions (docs/observability.md): one line per execution's end, info (warn when FAILED), with
 * `executionId`, `workflowId`, `mode`, `status`, `durationMs` and the node that failed; one per
 * node failure with `nodeName`. Written straight to pino's root logger, as fixed-shape objects and
 * constant messages (no child logger, no string building, no Nest wrapper): a pure workflow ends
 * thousands of times a second on the webhook path (bench/README.md), and at LOG_LEVEL=warn or
 * above an info line costs pino one level check.
 */
const CONTEXT = 'ExecutionEngine';

export interface ExecutionIdentity {
  id: string;
  workflowId: string;
  mode: ExecutionMode;
}

export function logExecutionEnd(execution: ExecutionIdentity, status: 'COMPLETED' | 'FAILED' | 'CANCELED', durationMs: number, error: string | null, failedNode: string | undefined): void {
  const log = PinoLogger.root;
  if (!log) return;
  if (status === 'FAILED') {
    log.warn({ context: CONTEXT, executionId: execution.id, workflowId: execution.workflowId, mode: execution.mode, status, durationMs, nodeName: failedNode ?? null, error }, 'Execution failed');
  } else {
    log.info({ context: CONTEXT, executionId: execution.id, workflowId: execution.workflowId, mode: execution.mode, status, durationMs }, status === 'CANCELED' ? 'Execution canceled' : 'Execution finished');
  }
}

/**
 * A node that failed after its last try. Under `continueOnFail` the execution goes on and may end
 * COMPLETED, so this line (warn) is the only trace of it in the log; a failure that ends the
 * execution is named by the execution's own warn line, and is logged here at debug only.
 */
export function logNodeFailure(execution: ExecutionIdentity, node: WorkflowNode, error: string, attempts: number): void {
  const log = PinoLogger.root;
  if (!log) return;
  const fields = { context: CONTEXT, executionId: execution.id, workflowId: execution.workflowId, nodeName: node.name, nodeType: node.type, attempts, error };
  if (node.continueOnFail) log.warn(fields, 'Node failed; the execution goes on (continueOnFail)');
  else log.debug(fields, 'Node failed');
}
