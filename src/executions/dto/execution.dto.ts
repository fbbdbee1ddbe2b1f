import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import type { ExecutionEntity } from '../execution.entity.js';
import { ERROR_KINDS, type ErrorKind } from '../../nodes/node-executor.js';
import { EXECUTION_MODES, EXECUTION_STATUSES, type ExecutionMode, type ExecutionStatus, type NodeExecution } from '../execution.types.js';

export class ElementRecordDto {
  @ApiProperty({ example: 0 }) index: number;
  @ApiProperty({ enum: ['RUNNING', 'SUCCESS', 'FAILED', 'CANCELED'], description: "CANCELED: an executeWorkflow element whose child was canceled because another element failed the node" }) status: string;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiPropertyOptional({ type: [String], description: 'With retryOnFail: the error of every failed try, in order' }) attemptErrors?: string[];
  @ApiProperty({ nullable: true, example: { status: 200, headers: {}, data: { ok: true } } }) output: unknown;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiPropertyOptional({ enum: ERROR_KINDS, description: 'As on the node record' }) errorKind?: ErrorKind;
}

export class NodeExecutionDto {
  @ApiProperty() nodeId: string;
  @ApiProperty() nodeName: string;
  @ApiProperty() nodeType: string;
  @ApiProperty({
    enum: ['RUNNING', 'SUCCESS', 'FAILED', 'SKIPPED'],
    description: 'RUNNING only while the execution runs or waits. A node interrupted by a cancel or an execution timeout ends FAILED with the reason in `error`; nodes that never ran are SKIPPED.',
  })
  status: string;
  @ApiProperty({ description: 'The node input ($json)', nullable: true }) input: unknown;
  @ApiProperty({ description: 'The node output', nullable: true }) output: unknown;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ type: [String], description: 'A node with retryOnFail: the error of every failed try, in order (the last is also `error`)' }) attemptErrors?: string[];
  @ApiPropertyOptional({ enum: ERROR_KINDS, example: 'outside', description: 'A FAILED node: whose fault it was, which decided its retries (docs/failure-handling.md). `input`: its parameters or input data are wrong, never retried. `outside`: an outside system failed (HTTP 5xx, 408, 429, timeout, connection error), retried per retryOnFail. `internal`: an unexpected error of the service, logged at error level, never retried. Absent when the run was stopped (cancel, execution timeout).' })
  errorKind?: ErrorKind;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Output index taken by a branching node' }) branch?: number | null;
  @ApiProperty({ type: String, nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) completedAt: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Milliseconds' }) executionTime: number | null;
  @ApiPropertyOptional({ type: [ElementRecordDto], description: 'A forEach node\'s elements in element order; the node\'s attempts are their sum' })
  elements?: ElementRecordDto[];
}

export class ChildExecutionDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: ExecutionStatus;
  @ApiProperty({ example: 'Process order', description: 'The executeWorkflow node that started it' }) nodeName: string;
  @ApiProperty({ example: 0, description: "The forEach element's index (0 for a node that runs once)" }) index: number;
}

export class ExecutionDto {
  @ApiProperty() id: string;
  @ApiProperty() workflowId: string;
  @ApiProperty() workflowVersion: number;
  @ApiProperty({ type: String, nullable: true }) webhookId: string | null;
  @ApiProperty() userId: string;
  @ApiProperty({ enum: EXECUTION_MODES }) mode: ExecutionMode;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: ExecutionStatus;
  @ApiProperty({ description: '{ body, headers, query, method, receivedAt }; secret headers redacted', nullable: true }) triggerData: unknown;
  @ApiPropertyOptional({ type: [NodeExecutionDto], description: 'In the order nodes started; in lists only with ?include=nodes' })
  nodeExecutions?: NodeExecution[];
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, nullable: true }) retryOf: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'A sub-workflow execution (mode subworkflow): the execution whose executeWorkflow node started it' })
  parentExecutionId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The executeWorkflow node of the parent that started it' }) parentNode: string | null;
  @ApiPropertyOptional({
    example: 'acme',
    description: "Present when the workflow had a concurrency limit when the execution was created: the value of `settings.concurrency.key` it counts under ('' for a number limit); docs/concurrency.md",
  })
  concurrencyKey?: string;
  @ApiPropertyOptional({ type: [ChildExecutionDto], description: 'In GET /executions/:id: the sub-workflow executions its executeWorkflow nodes started, oldest first' })
  children?: ChildExecutionDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) completedAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1834,
    description: 'Bytes its trigger data, node records, webhook answer and error take as stored, updated with every write of them (docs/retention-and-sizing.md); null for executions stored before it was recorded',
  })
  sizeBytes: number | null;
  @ApiPropertyOptional({
    example: '/executions/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/view-link',
    description: 'In GET /executions/:id: POST here for a signed link that opens the HTML view in a browser without the API key',
  })
  viewLinkPath?: string;
}

export class ExecutionPageDto extends PageDto(ExecutionDto, 'ExecutionPage') {}

export class ExecutionListQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') workflowId?: string;
  @ApiPropertyOptional({ enum: EXECUTION_STATUSES }) @IsOptional() @IsIn(EXECUTION_STATUSES) status?: ExecutionStatus;
  @ApiPropertyOptional({ enum: EXECUTION_MODES }) @IsOptional() @IsIn(EXECUTION_MODES) mode?: ExecutionMode;
  @ApiPropertyOptional({ description: 'Created at or after (ISO-8601)' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ description: 'Created at or before (ISO-8601)' }) @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ enum: ['nodes'], description: 'Include nodeExecutions in each item' }) @IsOptional() @IsIn(['nodes']) include?: 'nodes';
}

export class WorkflowExecutionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['nodes'] }) @IsOptional() @IsIn(['nodes']) include?: 'nodes';
}

export class ExecutionStatsQueryDto {
  @ApiPropertyOptional({ description: "Only this workflow's executions" }) @IsOptional() @IsUUID('all') workflowId?: string;
  @ApiPropertyOptional({ description: 'Created at or after (ISO-8601); default: 24 hours before `to`' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ description: 'Created at or before (ISO-8601); default: now' }) @IsOptional() @IsDateString() to?: string;
}

export class ExecutionStatusCountsDto {
  @ApiProperty({ example: 0 }) PENDING: number;
  @ApiProperty({ example: 2 }) RUNNING: number;
  @ApiProperty({ example: 1 }) WAITING: number;
  @ApiProperty({ example: 9120 }) COMPLETED: number;
  @ApiProperty({ example: 380 }) FAILED: number;
  @ApiProperty({ example: 12 }) CANCELED: number;
}

export class ExecutionStatsDto {
  @ApiProperty({ type: String, nullable: true }) workflowId: string | null;
  @ApiProperty({ example: '2026-12-02T00:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-12-02T23:59:59.999Z' }) to: string;
  @ApiProperty({ example: 9515, description: 'Executions created in the range that the caller may see' }) total: number;
  @ApiProperty({ type: ExecutionStatusCountsDto, description: 'Of them, how many are in each status now' }) byStatus: ExecutionStatusCountsDto;
  @ApiProperty({ example: 17_450_112, description: 'Their sizeBytes summed (executions without one count 0)' }) sizeBytes: number;
}

export class ExecutionAcceptedDto {
  @ApiProperty() executionId: string;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: ExecutionStatus;
  @ApiPropertyOptional({ description: 'Present when the idempotency key was seen before' }) duplicate?: boolean;
}

export function toExecutionDto(execution: ExecutionEntity, withNodes = true, children?: ChildExecutionDto[]): ExecutionDto {
  const started = execution.startedAt?.getTime();
  const completed = execution.completedAt?.getTime();
  return {
    id: execution.id,
    workflowId: execution.workflowId,
    workflowVersion: execution.workflowVersion,
    webhookId: execution.webhookId,
    userId: execution.userId,
    mode: execution.mode,
    status: execution.status,
    triggerData: execution.triggerData,
    ...(withNodes ? { nodeExecutions: execution.nodeExecutions ?? [] } : {}),
    error: execution.error,
    retryOf: execution.retryOf,
    parentExecutionId: execution.parentExecutionId ?? null,
    parentNode: execution.parentNode ?? null,
    ...(typeof execution.concurrencyKey === 'string' ? { concurrencyKey: execution.concurrencyKey } : {}),
    ...(children ? { children } : {}),
    createdAt: execution.createdAt.toISOString(),
    startedAt: execution.startedAt?.toISOString() ?? null,
    completedAt: execution.completedAt?.toISOString() ?? null,
    durationMs: started !== undefined && completed !== undefined ? completed - started : null,
    sizeBytes: execution.sizeBytes ?? null,
    // Every answer about one execution says where to get a link that opens its view in a browser.
    ...(withNodes ? { viewLinkPath: `/executions/${execution.id}/view-link` } : {}),
  };
}
