import { Inject, Injectable } from '@nestjs/common';
import { NODE_EXECUTORS, type NodeExecutor, type NodeTypeDescription } from './node-executor.js';

/**
 * Node types described for validation whose executors are not in this build yet: a workflow using
 * them saves, and the node fails at run time saying so. An executor registered for the same type
 * replaces the description.
 */
const DESCRIBED_ONLY: NodeTypeDescription[] = [];

/** Node types by name; the engine and the validator ask it, never a switch over types. */
@Injectable()
export class NodeRegistry {
  private readonly executors = new Map<string, NodeExecutor>();
  private readonly descriptions = new Map<string, NodeTypeDescription>();

  constructor(@Inject(NODE_EXECUTORS) executors: NodeExecutor[]) {
    for (const description of DESCRIBED_ONLY) this.descriptions.set(description.type, description);
    for (const executor of executors) {
      this.executors.set(executor.description.type, executor);
      this.descriptions.set(executor.description.type, executor.description);
    }
  }

  describe(type: string): NodeTypeDescription | undefined {
    return this.descriptions.get(type);
  }

  executor(type: string): NodeExecutor | undefined {
    return this.executors.get(type);
  }

  types(): string[] {
    return [...this.descriptions.keys()].sort();
  }

  /** Every registered type's description, by type name: what GET /node-types and Swagger show. */
  all(): NodeTypeDescription[] {
    return this.types().map((type) => this.descriptions.get(type)!);
  }
}
