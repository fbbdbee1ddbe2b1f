import { Injectable } from '@nestjs/common';
import type { NodeOutcome } from './node-executor.js';

/** One executeWorkflow node run (or forEach element) asking for its child execution. */
export interface ChildRequest {
  parentExecutionId: string;
  parentWorkflowId: string;
  parentNode: string;
  /** The forEach element's index; 0 for a node that runs once. */
  index: number;
  workflowId: string;
  input: unknown;
  waitForCompletion: boolean;
}

export interface SubworkflowStarter {
  /** Starts the node run's child unless it has one, and answers what the node outputs now (or that it waits). */
  child(request: ChildRequest): Promise<NodeOutcome>;
  /** Cancels the children a node's elements wait for that have not ended; answers their elements' indexes. */
  cancelChildren(parentExecutionId: string, parentNode: string): Promise<number[]>;
}

/**
 * How the executeWorkflow node reaches the engine (which owns executions, workflow versions and the
 * queue) without the nodes module depending on it: the engine module plugs its starter in at start-up.
 */
@Injectable()
export class SubworkflowPort {
  starter: SubworkflowStarter | undefined;
}
