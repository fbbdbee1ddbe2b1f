import type { ScheduleView } from '../schedules/schedule-state.js';
import type { WorkflowDto, WorkflowSummaryDto } from './dto/workflow.dto.js';
import type { WorkflowEntity } from './workflow.entity.js';
import type { WorkflowSummary } from './workflows.repository.js';

export const toWorkflowSummaryDto = (workflow: WorkflowSummary): WorkflowSummaryDto => ({
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

export function toWorkflowDto(workflow: WorkflowEntity, warnings?: string[], schedule?: ScheduleView | null): WorkflowDto {
  return {
    ...toWorkflowSummaryDto(workflow),
    nodes: workflow.nodes,
    connections: workflow.connections,
    ...(warnings ? { warnings } : {}),
    ...(schedule ? { schedule } : {}),
  };
}
