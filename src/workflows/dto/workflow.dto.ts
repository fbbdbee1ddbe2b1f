import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination.js';
import type { WorkflowConnections, WorkflowNode, WorkflowSettings } from '../workflow.types.js';
import { WorkflowNodeDto } from './workflow-node.dto.js';

/** A workflow in lists: everything but its graph (nodes and connections), which GET /workflows/:id gives. */
export class WorkflowSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() ownerId: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { timeoutMs: 300000 } }) settings: WorkflowSettings;
  @ApiProperty({ description: 'Bumped on every change; PUT must send the version it is based on' }) version: number;
  @ApiProperty({ description: 'Webhook runs so far; may lag by a few seconds' }) triggerCount: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

/** docs/schedules.md: a schedule workflow's timetable as it stands. */
export class ScheduleDto {
  @ApiProperty({ type: [String], example: ['2027-01-04T07:00:00.000Z', '2027-01-05T07:00:00.000Z'], description: 'The next 5 due times (fewer when the timetable ends), listed even while the workflow is inactive (then as if it were activated now)' })
  next: string[];

  @ApiProperty({ type: String, nullable: true, description: 'Due time of the last firing; null before any' }) lastScheduledFor: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Execution of the last firing; null before any' }) lastExecutionId: string | null;
  @ApiProperty({ description: 'Due times skipped (overlap, or missed while no replica ran) since the timetable was last saved' }) skipped: number;
}

export class WorkflowDto extends WorkflowSummaryDto {
  @ApiProperty({ type: [WorkflowNodeDto] }) nodes: WorkflowNode[];
  @ApiProperty({ type: 'object', additionalProperties: true, example: { Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] } } })
  connections: WorkflowConnections;

  @ApiPropertyOptional({ type: [String], description: 'On create and update: what is allowed but probably unintended, e.g. nodes the trigger does not reach' })
  warnings?: string[];

  @ApiPropertyOptional({ type: ScheduleDto, description: 'Only for a workflow whose trigger is a `schedule`: as GET /workflows/:id/schedule answers' })
  schedule?: ScheduleDto;
}

export class WorkflowPageDto extends PageDto(WorkflowSummaryDto, 'WorkflowPage') {}
