/** The n8n-shaped workflow definition of docs/workflows.md. */
export interface WorkflowNode {
  id: string;
  name: string;
  type: string;
  parameters: Record<string, unknown>;
  credentials?: Record<string, { id: string; name?: string }>;
  retryOnFail?: boolean;
  maxTries?: number;
  waitBetweenTries?: number;
  continueOnFail?: boolean;
  timeoutMs?: number;
  disabled?: boolean;
  position?: unknown;
  notes?: string;
  /** An expression yielding an array: the node runs once per element (docs/lists-and-subworkflows.md). */
  forEach?: string;
  /** Elements run at once under forEach, 1–50 (default 1). */
  forEachConcurrency?: number;
}

export interface ConnectionTarget {
  node: string;
  type: 'main';
  index: number;
}

/** Keyed by the source node's name; `main[i]` lists the targets of output i. */
export type WorkflowConnections = Record<string, { main: ConnectionTarget[][] }>;

/**
 * docs/concurrency.md: a number limits the workflow's RUNNING executions database-wide; `{ limit, key }`
 * limits them per value of `key`, a template over the trigger evaluated when the execution is created.
 */
export type WorkflowConcurrency = number | { limit: number; key: string };

export interface WorkflowSettings {
  timeoutMs?: number;
  concurrency?: WorkflowConcurrency;
  saveNodeData?: 'all' | 'errorsOnly';
  /** The workflow started when an execution ends FAILED; 'none': none; absent: the instance default. */
  errorWorkflow?: string;
}

export interface WorkflowDefinition {
  nodes: WorkflowNode[];
  connections: WorkflowConnections;
  settings: WorkflowSettings;
}
