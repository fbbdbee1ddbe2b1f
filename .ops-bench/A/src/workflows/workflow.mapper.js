export const toWorkflowSummaryDto = (workflow) => ({
    id: workflow.id,
    ownerId: workflow.ownerId,
    name: workflow.name,
    description: workflow.description,
    active: workflow.active,
    settings: workflow.settings,
    version: workflow.version,
    triggerCount: workflow.triggerCount,
    createdAt: workflow.createdAt.toISOString(),
    updatedAt: workflow.updatedAt.toISOString(),
});
export function toWorkflowDto(workflow, warnings) {
    return {
        ...toWorkflowSummaryDto(workflow),
        nodes: workflow.nodes,
        connections: workflow.connections,
        ...(warnings ? { warnings } : {}),
    };
}
//# sourceMappingURL=workflow.mapper.js.map