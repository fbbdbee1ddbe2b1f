import type { WorkflowDefinition, WorkflowNode } from '../workflows/workflow.types.js';

export interface Edge {
  from: string;
  output: number;
  to: string;
  inputIndex: number;
}

/**
 * The topology of one workflow version, computed once and cached with it: incoming and outgoing
 * edges by node name. The run loop only does map lookups.
 */
export class WorkflowGraph {
  readonly nodes = new Map<string, WorkflowNode>();
  readonly incoming = new Map<string, Edge[]>();
  /** outgoing.get(name)[output] = edges leaving that output. */
  readonly outgoing = new Map<string, Edge[][]>();
  readonly trigger: WorkflowNode;
  /** The first resume-mode wait node, whose URL is `$execution.resumeUrl` (docs/nodes.md), if any. */
  readonly resumeNode: WorkflowNode | undefined;

  constructor(readonly definition: WorkflowDefinition) {
    for (const node of definition.nodes) {
      this.nodes.set(node.name, node);
      this.incoming.set(node.name, []);
      this.outgoing.set(node.name, []);
    }
    for (const [from, connection] of Object.entries(definition.connections ?? {})) {
      if (!this.nodes.has(from)) continue;
      (connection?.main ?? []).forEach((targets, output) => {
        for (const target of targets ?? []) {
          if (!this.nodes.has(target.node)) continue;
          const edge: Edge = { from, output, to: target.node, inputIndex: target.index ?? 0 };
          const outputs = this.outgoing.get(from)!;
          (outputs[output] ??= []).push(edge);
          this.incoming.get(target.node)!.push(edge);
        }
      });
    }
    const trigger = definition.nodes.find((node) => node.type === 'trigger' || node.type === 'schedule');
    if (!trigger) throw new Error('The workflow has no trigger node');
    this.trigger = trigger;
    this.resumeNode = definition.nodes.find((node) => node.type === 'wait' && node.parameters?.mode === 'resume');
  }
}
