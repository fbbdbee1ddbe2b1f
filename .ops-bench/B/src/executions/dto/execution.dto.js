var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageDto, PageQueryDto } from '../../common/pagination.js';
import { EXECUTION_MODES, EXECUTION_STATUSES } from '../execution.types.js';
export class NodeExecutionDto {
    nodeId;
    nodeName;
    nodeType;
    status;
    input;
    output;
    error;
    attempts;
    branch;
    startedAt;
    completedAt;
    executionTime;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], NodeExecutionDto.prototype, "nodeId", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], NodeExecutionDto.prototype, "nodeName", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], NodeExecutionDto.prototype, "nodeType", void 0);
__decorate([
    ApiProperty({ enum: ['RUNNING', 'SUCCESS', 'FAILED', 'SKIPPED'] }),
    __metadata("design:type", String)
], NodeExecutionDto.prototype, "status", void 0);
__decorate([
    ApiProperty({ description: 'The node input ($json)', nullable: true }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "input", void 0);
__decorate([
    ApiProperty({ description: 'The node output', nullable: true }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "output", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "error", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", Number)
], NodeExecutionDto.prototype, "attempts", void 0);
__decorate([
    ApiPropertyOptional({ type: Number, nullable: true, description: 'Output index taken by a branching node' }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "branch", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "startedAt", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "completedAt", void 0);
__decorate([
    ApiProperty({ type: Number, nullable: true, description: 'Milliseconds' }),
    __metadata("design:type", Object)
], NodeExecutionDto.prototype, "executionTime", void 0);
export class ExecutionDto {
    id;
    workflowId;
    workflowVersion;
    webhookId;
    userId;
    mode;
    status;
    triggerData;
    nodeExecutions;
    error;
    retryOf;
    createdAt;
    startedAt;
    completedAt;
    durationMs;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ExecutionDto.prototype, "id", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ExecutionDto.prototype, "workflowId", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", Number)
], ExecutionDto.prototype, "workflowVersion", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "webhookId", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ExecutionDto.prototype, "userId", void 0);
__decorate([
    ApiProperty({ enum: EXECUTION_MODES }),
    __metadata("design:type", String)
], ExecutionDto.prototype, "mode", void 0);
__decorate([
    ApiProperty({ enum: EXECUTION_STATUSES }),
    __metadata("design:type", String)
], ExecutionDto.prototype, "status", void 0);
__decorate([
    ApiProperty({ description: '{ body, headers, query, method, receivedAt }; secret headers redacted', nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "triggerData", void 0);
__decorate([
    ApiPropertyOptional({ type: [NodeExecutionDto], description: 'In the order nodes started; in lists only with ?include=nodes' }),
    __metadata("design:type", Array)
], ExecutionDto.prototype, "nodeExecutions", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "error", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "retryOf", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ExecutionDto.prototype, "createdAt", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "startedAt", void 0);
__decorate([
    ApiProperty({ type: String, nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "completedAt", void 0);
__decorate([
    ApiProperty({ type: Number, nullable: true }),
    __metadata("design:type", Object)
], ExecutionDto.prototype, "durationMs", void 0);
export class ExecutionPageDto extends PageDto(ExecutionDto, 'ExecutionPage') {
}
export class ExecutionListQueryDto extends PageQueryDto {
    workflowId;
    status;
    from;
    to;
    include;
}
__decorate([
    ApiPropertyOptional(),
    IsOptional(),
    IsUUID('all'),
    __metadata("design:type", String)
], ExecutionListQueryDto.prototype, "workflowId", void 0);
__decorate([
    ApiPropertyOptional({ enum: EXECUTION_STATUSES }),
    IsOptional(),
    IsIn(EXECUTION_STATUSES),
    __metadata("design:type", String)
], ExecutionListQueryDto.prototype, "status", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Created at or after (ISO-8601)' }),
    IsOptional(),
    IsDateString(),
    __metadata("design:type", String)
], ExecutionListQueryDto.prototype, "from", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Created at or before (ISO-8601)' }),
    IsOptional(),
    IsDateString(),
    __metadata("design:type", String)
], ExecutionListQueryDto.prototype, "to", void 0);
__decorate([
    ApiPropertyOptional({ enum: ['nodes'], description: 'Include nodeExecutions in each item' }),
    IsOptional(),
    IsIn(['nodes']),
    __metadata("design:type", String)
], ExecutionListQueryDto.prototype, "include", void 0);
export class WorkflowExecutionsQueryDto extends PageQueryDto {
    include;
}
__decorate([
    ApiPropertyOptional({ enum: ['nodes'] }),
    IsOptional(),
    IsIn(['nodes']),
    __metadata("design:type", String)
], WorkflowExecutionsQueryDto.prototype, "include", void 0);
export class ExecutionAcceptedDto {
    executionId;
    status;
    duplicate;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], ExecutionAcceptedDto.prototype, "executionId", void 0);
__decorate([
    ApiProperty({ enum: EXECUTION_STATUSES }),
    __metadata("design:type", String)
], ExecutionAcceptedDto.prototype, "status", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Present when the idempotency key was seen before' }),
    __metadata("design:type", Boolean)
], ExecutionAcceptedDto.prototype, "duplicate", void 0);
export function toExecutionDto(execution, withNodes = true) {
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
        createdAt: execution.createdAt.toISOString(),
        startedAt: execution.startedAt?.toISOString() ?? null,
        completedAt: execution.completedAt?.toISOString() ?? null,
        durationMs: started !== undefined && completed !== undefined ? completed - started : null,
    };
}
//# sourceMappingURL=execution.dto.js.map