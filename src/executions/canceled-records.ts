import type { NodeExecution } from './execution.types.js';

/** The error of a node a cancel interrupted (running, or parked at a wait). */
export const CANCELED_NODE_ERROR = 'Canceled: the execution was canceled while this node was running';

/**
 * The final node records of a canceled execution (docs/executions.md), as a FAILED run leaves them: a node
 * still RUNNING (an in-flight HTTP call, a wait node parked for its duration) ends FAILED with the
 * reason and a completedAt, and every node of the workflow without a record is recorded SKIPPED,
 * so the record shows the whole graph and is final. No node status of its own: a retry
 * `from: failedNode` starts again at the interrupted node as it does after any failure.
 */
export function canceledRecords(records: NodeExecution[], nodes: ReadonlyArray<{ id: string; name: string; type: string }>, now: Date): NodeExecution[] {
  const completedAt = now.toISOString();
  const seen = new Set(records.map((record) => record.nodeName));
  const ended = records.map((record) =>
    record.status === 'RUNNING'
      ? { ...record, status: 'FAILED' as const, error: CANCELED_NODE_ERROR, completedAt, executionTime: record.startedAt ? Math.max(0, now.getTime() - Date.parse(record.startedAt)) : null }
      : record,
  );
  for (const node of nodes) {
    if (seen.has(node.name)) continue;
    ended.push({ nodeId: node.id, nodeName: node.name, nodeType: node.type, status: 'SKIPPED', input: null, output: null, error: null, attempts: 0, branch: null, startedAt: null, completedAt: null, executionTime: null });
  }
  return ended;
}
