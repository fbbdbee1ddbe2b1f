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

export class WorkflowDto extends WorkflowSummaryDto {
  @ApiProperty({ type: [WorkflowNodeDto] }) nodes: WorkflowNode[];
  @ApiProperty({ type: 'object', additionalProperties: true, example: { Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] } } })
  connections: WorkflowConnections;

  @ApiPropertyOptional({ type: [String], description: 'On create and update: what is allowed but probably unintended, e.g. nodes the trigger does not reach' })
  warnings?: string[];
}

export class WorkflowPageDto extends PageDto(WorkflowSummaryDto, 'WorkflowPage') {}
