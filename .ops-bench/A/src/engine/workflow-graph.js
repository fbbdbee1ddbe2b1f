/**
 * The topology of one workflow version, computed once and cached with it: incoming and outgoing
 * edges by node name. The run loop only does map lookups.
 */
export class WorkflowGraph {
    definition;
    nodes = new Map();
    incoming = new Map();
    /** outgoing.get(name)[output] = edges leaving that output. */
    outgoing = new Map();
    trigger;
    constructor(definition) {
        this.definition = definition;
        for (const node of definition.nodes) {
            this.nodes.set(node.name, node);
            this.incoming.set(node.name, []);
            this.outgoing.set(node.name, []);
        }
        for (const [from, connection] of Object.entries(definition.connections ?? {})) {
            if (!this.nodes.has(from))
                continue;
            (connection?.main ?? []).forEach((targets, output) => {
                for (const target of targets ?? []) {
                    if (!this.nodes.has(target.node))
                        continue;
                    const edge = { from, output, to: target.node, inputIndex: target.index ?? 0 };
                    const outputs = this.outgoing.get(from);
                    (outputs[output] ??= []).push(edge);
                    this.incoming.get(target.node).push(edge);
                }
            });
        }
        const trigger = definition.nodes.find((node) => node.type === 'trigger');
        if (!trigger)
            throw new Error('The workflow has no trigger node');
        this.trigger = trigger;
    }
    edgesFrom(name, output) {
        return this.outgoing.get(name)?.[output] ?? [];
    }
    /** Every edge leaving the node, on any output. */
    allEdgesFrom(name) {
        return (this.outgoing.get(name) ?? []).flat().filter(Boolean);
    }
}
//# sourceMappingURL=workflow-graph.js.map