import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, IsArray, IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import type { WorkflowConnections, WorkflowSettings } from '../workflow.types.js';
import { WorkflowNodeDto } from './workflow-node.dto.js';

const CONNECTIONS_DOC = {
  type: 'object',
  additionalProperties: true,
  description: 'Keyed by the source node name; `main[i]` lists the targets of output i: `{ node, type: "main", index }`',
  example: { Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] } },
} as const;

const SETTINGS_DOC = {
  type: 'object',
  additionalProperties: false,
  description:
    '`timeoutMs` (1000–86400000, whole execution), `concurrency` (1–1000 RUNNING executions at once across every replica, or `{ limit, key }`: per value of `key`, a template over the trigger such as `{{ $trigger.body.customerId }}`; docs/concurrency.md), `saveNodeData` (`all` | `errorsOnly`), `errorWorkflow` (a workflow id or `"none"`)',
  example: { timeoutMs: 300000, concurrency: { limit: 2, key: '{{ $trigger.body.customerId }}' } },
} as const;

/** The nodes of the `connections` example below: a valid workflow as it stands. */
const NODES_EXAMPLE = [
  { id: 'a1', name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['email', 'score'] } },
  {
    id: 'a2',
    name: 'Check score',
    type: 'condition',
    parameters: { conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 },
  },
];

export class CreateWorkflowDto {
  @ApiProperty({ example: 'Score router' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiProperty({
    type: [WorkflowNodeDto],
    description: 'At most 200 nodes, exactly one trigger (`trigger` or `schedule`). Each type has its own schema (by `type`); GET /node-types lists them with an example node each',
    // One example for the list: Swagger UI would otherwise show every node type's example at once.
    example: NODES_EXAMPLE,
  })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WorkflowNodeDto)
  nodes: WorkflowNodeDto[];

  // Free-form here: the workflow validator checks the structure and names the node at fault.
  @ApiPropertyOptional(CONNECTIONS_DOC)
  @IsOptional()
  @IsObject()
  connections?: WorkflowConnections;

  @ApiPropertyOptional(SETTINGS_DOC)
  @IsOptional()
  @IsObject()
  settings?: WorkflowSettings;

  @ApiPropertyOptional({ default: false, description: 'Only active workflows run from their webhooks' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ReplaceWorkflowDto extends CreateWorkflowDto {
  @ApiProperty({ example: 3, description: 'The version this replacement is based on; 409 if the workflow changed since' })
  @IsInt()
  @Min(1)
  version: number;

  // What GET /workflows/:id answers besides the definition: accepted and ignored, so that a
  // workflow read, edited and sent back (export → edit → import) goes through (docs/api-and-executions.md). Unknown
  // fields are still refused. Hidden from the schema: nobody needs to send them.
  @ApiHideProperty() @Allow() id?: unknown;
  @ApiHideProperty() @Allow() ownerId?: unknown;
  @ApiHideProperty() @Allow() triggerCount?: unknown;
  @ApiHideProperty() @Allow() createdAt?: unknown;
  @ApiHideProperty() @Allow() updatedAt?: unknown;
  @ApiHideProperty() @Allow() warnings?: unknown;
}

export class PatchWorkflowDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ ...SETTINGS_DOC, description: `Replaces the whole settings object. ${SETTINGS_DOC.description}` })
  @IsOptional()
  @IsObject()
  settings?: WorkflowSettings;
}

const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class ListWorkflowsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Only active (true) or inactive (false) workflows' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}
