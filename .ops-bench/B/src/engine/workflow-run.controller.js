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
import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { CurrentPrincipal } from '../common/principal.js';
import { ManualRunDto } from './dto/manual-run.dto.js';
import { ManualRunService } from './manual-run.service.js';
let WorkflowRunController = class WorkflowRunController {
    manualRuns;
    constructor(manualRuns) {
        this.manualRuns = manualRuns;
    }
    async run(id, body, principal, response) {
        const answer = await this.manualRuns.run(id, body, principal);
        response.status(answer.status).json(answer.body);
    }
};
__decorate([
    Post(':id/run'),
    ApiRoute({
        summary: 'Run a workflow now (manual run)',
        description: 'Runs through the same engine as a webhook and answers like `lastNode`: 200 with the last node output, 500 `{ executionId, error }` on failure, 202 `{ executionId, status }` if still running after 30 s. The workflow need not be active.',
        errors: [400, 404],
    }),
    __param(0, Param('id', ParseUUIDPipe)),
    __param(1, Body()),
    __param(2, CurrentPrincipal()),
    __param(3, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, ManualRunDto, Object, Object]),
    __metadata("design:returntype", Promise)
], WorkflowRunController.prototype, "run", null);
WorkflowRunController = __decorate([
    ApiTags('workflows'),
    Controller('workflows'),
    __metadata("design:paramtypes", [ManualRunService])
], WorkflowRunController);
export { WorkflowRunController };
//# sourceMappingURL=workflow-run.controller.js.map