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
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage } from '../common/pagination.js';
import { CurrentPrincipal } from '../common/principal.js';
import { CreateWorkflowDto, ListWorkflowsQueryDto, PatchWorkflowDto, ReplaceWorkflowDto } from './dto/workflow-input.dto.js';
import { WorkflowDto, WorkflowPageDto } from './dto/workflow.dto.js';
import { toWorkflowDto, toWorkflowSummaryDto } from './workflow.mapper.js';
import { WorkflowsService } from './workflows.service.js';
const VALIDATION_RULES = 'Rejected with 400, each message naming the node and field: duplicate node names or ids, unknown node types, connections to or from missing nodes or from an output the node lacks, cycles, ' +
    'not exactly one trigger, parameters failing the node type schema, expressions that do not parse, credentials that are missing, of the wrong type or of another user, ' +
    'node fields out of range, more than 200 nodes, unknown or invalid settings. Nodes the trigger does not reach are allowed and listed in `warnings`.';
let WorkflowsController = class WorkflowsController {
    workflows;
    constructor(workflows) {
        this.workflows = workflows;
    }
    async create(principal, body) {
        const { workflow, warnings } = await this.workflows.createWorkflow(principal, body);
        return toWorkflowDto(workflow, warnings);
    }
    async list(principal, query) {
        const limit = pageLimit(query);
        const rows = await this.workflows.listWorkflows(principal, { active: query.active, search: query.search, cursor: query.cursor, limit });
        return toPage(rows, limit, toWorkflowSummaryDto);
    }
    async get(principal, id) {
        return toWorkflowDto(await this.workflows.getWorkflow(principal, id));
    }
    async replace(principal, id, body) {
        const { version, ...input } = body;
        const { workflow, warnings } = await this.workflows.replaceWorkflow(principal, id, input, version);
        return toWorkflowDto(workflow, warnings);
    }
    async patch(principal, id, body) {
        const { workflow, warnings } = await this.workflows.patchWorkflow(principal, id, body);
        return toWorkflowDto(workflow, warnings);
    }
    async delete(principal, id) {
        await this.workflows.deleteWorkflow(principal, id);
    }
    async activate(principal, id) {
        return toWorkflowDto(await this.workflows.setActive(principal, id, true));
    }
    async deactivate(principal, id) {
        return toWorkflowDto(await this.workflows.setActive(principal, id, false));
    }
};
__decorate([
    Post(),
    ApiRoute({ summary: 'Create a workflow', description: `Owned by the caller. ${VALIDATION_RULES}`, status: 201, type: WorkflowDto, errors: [400] }),
    __param(0, CurrentPrincipal()),
    __param(1, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, CreateWorkflowDto]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "create", null);
__decorate([
    Get(),
    ApiRoute({
        summary: 'List workflows, newest first',
        description: 'Members see their own, admins all. Items leave out `nodes` and `connections`; GET /workflows/:id has them.',
        type: WorkflowPageDto,
        errors: [400],
    }),
    __param(0, CurrentPrincipal()),
    __param(1, Query()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, ListWorkflowsQueryDto]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "list", null);
__decorate([
    Get(':id'),
    ApiRoute({ summary: 'Get a workflow with its nodes and connections', type: WorkflowDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "get", null);
__decorate([
    Put(':id'),
    ApiRoute({
        summary: 'Replace a workflow',
        description: `Full replace of name, description, nodes, connections and settings (omitted optional fields are reset; an omitted \`active\` is kept). \`version\` must be the current version, else 409. Running executions finish on the version they started with. ${VALIDATION_RULES}`,
        type: WorkflowDto,
        errors: [400, 404, 409],
    }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __param(2, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String, ReplaceWorkflowDto]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "replace", null);
__decorate([
    Patch(':id'),
    ApiRoute({ summary: 'Change name, description and/or settings', description: '`settings`, when given, replaces the whole settings object.', type: WorkflowDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __param(2, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String, PatchWorkflowDto]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "patch", null);
__decorate([
    Delete(':id'),
    ApiRoute({ summary: 'Delete a workflow', description: 'Its webhooks are deleted with it; its executions are kept.', status: 204, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "delete", null);
__decorate([
    Post(':id/activate'),
    ApiRoute({ summary: 'Activate a workflow', description: 'Its webhooks start running it. Activating an active workflow changes nothing.', type: WorkflowDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "activate", null);
__decorate([
    Post(':id/deactivate'),
    ApiRoute({ summary: 'Deactivate a workflow', description: 'Its webhooks answer 404 from now on; running executions finish.', type: WorkflowDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], WorkflowsController.prototype, "deactivate", null);
WorkflowsController = __decorate([
    ApiTags('workflows'),
    Controller('workflows'),
    __metadata("design:paramtypes", [WorkflowsService])
], WorkflowsController);
export { WorkflowsController };
//# sourceMappingURL=workflows.controller.js.map