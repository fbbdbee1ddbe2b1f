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
import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { CurrentPrincipal } from '../common/principal.js';
import { ExecutionDto, toExecutionDto } from '../executions/dto/execution.dto.js';
import { RetryExecutionDto } from './dto/retry.dto.js';
import { RetryService } from './retry.service.js';
let ExecutionRetryController = class ExecutionRetryController {
    retries;
    constructor(retries) {
        this.retries = retries;
    }
    async retry(id, body, principal) {
        return toExecutionDto(await this.retries.retry(id, body, principal));
    }
};
__decorate([
    Post(':id/retry'),
    ApiRoute({
        summary: 'Retry a FAILED or CANCELED execution',
        description: 'Creates a new execution (mode retry, retryOf). `from: failedNode` (default) reuses the successful nodes\' outputs and starts at the failed node; `from: start` runs everything again. `workflowVersion: original` (default) or `current`.',
        status: 201,
        type: ExecutionDto,
        errors: [400, 404, 409],
    }),
    __param(0, Param('id', ParseUUIDPipe)),
    __param(1, Body()),
    __param(2, CurrentPrincipal()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, RetryExecutionDto, Object]),
    __metadata("design:returntype", Promise)
], ExecutionRetryController.prototype, "retry", null);
ExecutionRetryController = __decorate([
    ApiTags('executions'),
    Controller('executions'),
    __metadata("design:paramtypes", [RetryService])
], ExecutionRetryController);
export { ExecutionRetryController };
//# sourceMappingURL=execution-retry.controller.js.map