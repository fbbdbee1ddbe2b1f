var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage } from '../common/pagination.js';
import { CurrentPrincipal } from '../common/principal.js';
import { ExecutionDto, ExecutionListQueryDto, ExecutionPageDto, WorkflowExecutionsQueryDto, toExecutionDto } from './dto/execution.dto.js';
import { ExecutionService } from './execution.service.js';
let ExecutionsController = class ExecutionsController {
    executions;
    constructor(executions) {
        this.executions = executions;
    }
    async list(query, principal) {
        const limit = pageLimit(query);
        const withNodes = query.include === 'nodes';
        const filter = { workflowId: query.workflowId, status: query.status, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined };
        const rows = await this.executions.listExecutions(filter, principal, limit, query.cursor, withNodes);
        return toPage(rows, limit, (row) => toExecutionDto(row, withNodes));
    }
    async byWorkflow(id, query, principal) {
        const limit = pageLimit(query);
        const withNodes = query.include === 'nodes';
        const rows = await this.executions.getExecutionsByWorkflow(id, principal, limit, query.cursor, withNodes);
        return toPage(rows, limit, (row) => toExecutionDto(row, withNodes));
    }
    async get(id, principal) {
        return toExecutionDto(await this.executions.getExecution(id, principal));
    }
    async cancel(id, principal) {
        return toExecutionDto(await this.executions.cancel(id, principal));
    }
};
__decorate([
    Get(),
    ApiRoute({ summary: 'List executions, newest first', description: 'Filters: workflowId, status, from, to (creation time). Add include=nodes for node records.', type: ExecutionPageDto, errors: [400] }),
    __param(0, Query()),
    __param(1, CurrentPrincipal()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [ExecutionListQueryDto, Object]),
    __metadata("design:returntype", Promise)
], ExecutionsController.prototype, "list", null);
__decorate([
    Get('workflow/:id'),
    ApiRoute({ summary: "A workflow's executions, newest first (50 by default)", type: ExecutionPageDto, errors: [400] }),
    __param(0, Param('id', ParseUUIDPipe)),
    __param(1, Query()),
    __param(2, CurrentPrincipal()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, WorkflowExecutionsQueryDto, Object]),
    __metadata("design:returntype", Promise)
], ExecutionsController.prototype, "byWorkflow", null);
__decorate([
    Get(':id'),
    ApiRoute({ summary: 'One execution with every node record', type: ExecutionDto, errors: [400, 404] }),
    __param(0, Param('id', ParseUUIDPipe)),
    __param(1, CurrentPrincipal()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", Promise)
], ExecutionsController.prototype, "get", null);
__decorate([
    Post(':id/cancel'),
    ApiRoute({ summary: 'Cancel a PENDING, RUNNING or WAITING execution', description: 'Running nodes are aborted promptly.', type: ExecutionDto, errors: [400, 404, 409] }),
    __param(0, Param('id', ParseUUIDPipe)),
    __param(1, CurrentPrincipal()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", Promise)
], ExecutionsController.prototype, "cancel", null);
ExecutionsController = __decorate([
    ApiTags('executions'),
    Controller('executions'),
    __metadata("design:paramtypes", [ExecutionService])
], ExecutionsController);
export { ExecutionsController };
//# sourceMappingURL=executions.controller.js.map