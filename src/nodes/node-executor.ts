import { AppError } from '../common/app-error.js';
import type { ObjectSchema } from './parameter-schema.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';

/** What a node type declares, so validation and the engine need no per-type code (docs/nodes.md). */
export interface NodeTypeDescription {
  type: string;
  displayName: string;
  /** Schema of `parameters`; expressions are accepted wherever a value is. */
  parameters: ObjectSchema;
  /** Credential types the node may reference; `required` ones must be present. */
  credentials: { types: readonly string[]; required: boolean };
  /** How many outputs the node has, given its parameters (a condition's depend on its groups). */
  outputs(parameters: Record<string, unknown>): number;
  /** Talks to the outside world: its predecessors' results are committed before it starts (docs/executions.md). */
  sideEffects: boolean;
  /**
   * Computes on this process's CPU only (expressions included, each bounded by its CPU budget) and
   * never waits on anything outside: run without the per-try timer and abort wiring (bench/README.md).
   */
  instant?: boolean;
  /** Validation beyond the schema (cross-field rules); messages name the parameter. */
  validate?(node: WorkflowNode): string[];
  /**
   * The documentation GET /node-types, the OpenAPI node schemas and docs/nodes.md are generated from
   * (with `parameters`): optional so that a type under construction still registers, but a test
   * requires it of every registered type.
   */
  docs?: NodeTypeDocs;
}

export interface NodeTypeDocs {
  /** What the node does, in a sentence or two. */
  summary: string;
  /** The JSON value the node outputs, as later nodes see it in `$node.Name`. */
  output: string;
  /** For types with several outputs: what decides which one is taken. */
  outputs?: string;
  /**
   * A node of this type that passes validation as it is. Credential ids are placeholders
   * (`<credential id>`): put the id of one of your credentials of that type.
   */
  example: { name: string; parameters: Record<string, unknown>; credentials?: Record<string, { id: string }> };
}

/**
 * Who a node's failure is the fault of (docs/failure-handling.md); it decides retries and the log level.
 * `input`: the node's parameters or the data it was given are wrong, the same on every try: never retried.
 * `outside`: an outside system failed or was too slow (HTTP 5xx, 408, 429, timeouts, connection errors):
 * retried per the node's retryOnFail. `internal`: a bug of ours (an unexpected exception): logged at
 * error level with its stack, never retried.
 */
export const ERROR_KINDS = ['input', 'outside', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** An HTTP error answer's fault: the target's own trouble (5xx, 408, 429) may pass; any other 4xx refuses the request as sent. */
export function errorKindOfStatus(status: number): ErrorKind {
  return status >= 500 || status === 408 || status === 429 ? 'outside' : 'input';
}

/** Thrown for a parameter, credential reference or target the node cannot use as given: an `input` fault. */
export class NodeInputError extends Error {}

/** The fault of an error a node caught from what it called: its own input's (NodeInputError, an AppError), else the outside system's. */
export function errorKindOf(error: unknown): ErrorKind {
  return error instanceof NodeInputError || error instanceof AppError ? 'input' : 'outside';
}

/** What a node produces: a discriminated union, not a bag of flags. */
export type NodeOutcome =
  | { kind: 'success'; output: unknown; branch?: number | null }
  /** `errorKind` absent: `outside`, retried per retryOnFail as every failure was before kinds existed. */
  | { kind: 'failed'; error: string; errorKind?: ErrorKind }
  /** Pause the execution (docs/nodes.md wait): it continues at `until`, or when resumed; null: only when resumed. */
  | { kind: 'waiting'; until: Date | null };

/** What a respondToWebhook node answers the waiting webhook caller. */
export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
  /** `text`: `body` is a string sent as it is; `json` (and answers stored before this field): serialised. */
  format?: 'json' | 'text';
}

/** The services and data one node run sees. Parameters arrive with expressions already resolved. */
export interface NodeRunContext {
  node: WorkflowNode;
  parameters: Record<string, unknown>;
  /** `$json`: the output of the node that led here. */
  input: unknown;
  /** Every input's output by input index, for nodes with several (merge). */
  inputs: unknown[];
  executionId: string;
  workflowId: string;
  attempt: number;
  /** The element's position under forEach (docs/lists-and-subworkflows.md); undefined for a node that runs once. */
  index?: number;
  /** Aborted when the node times out, the execution is cancelled or the process shuts down. */
  signal: AbortSignal;
  /** Decrypted credential data of the given type, as referenced by the node. */
  credential(type: string): Promise<Record<string, string>>;
  /** Answers the webhook caller now (responseMode responseNode); only the first answer counts. */
  respond(response: WebhookResponse): void;
}

export interface NodeExecutor {
  readonly description: NodeTypeDescription;
  execute(context: NodeRunContext): Promise<NodeOutcome>;
  /**
   * A forEach node of this type failed on an element: stop what its other elements started that is
   * still going on elsewhere (an executeWorkflow node's children), and answer those elements' indexes.
   */
  stopElements?(run: { executionId: string; node: WorkflowNode }): Promise<number[]>;
}

/** Nest multi-provider token under which every executor registers. */
export const NODE_EXECUTORS = Symbol('NODE_EXECUTORS');

export const oneOutput = (): number => 1;
