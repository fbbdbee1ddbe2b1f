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
import { PageDto } from '../../common/pagination.js';
import { WorkflowNodeDto } from './workflow-node.dto.js';
/** A workflow in lists: everything but its graph (nodes and connections), which GET /workflows/:id gives. */
export class WorkflowSummaryDto {
    id;
    ownerId;
    name;
    description;
    active;
    settings;
    version;
    triggerCount;
    createdAt;
    updatedAt;
}
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WorkflowSummaryDto.prototype, "id", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WorkflowSummaryDto.prototype, "ownerId", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WorkflowSummaryDto.prototype, "name", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WorkflowSummaryDto.prototype, "description", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", Boolean)
], WorkflowSummaryDto.prototype, "active", void 0);
__decorate([
    ApiProperty({ type: 'object', additionalProperties: true, example: { timeoutMs: 300000 } }),
    __metadata("design:type", Object)
], WorkflowSummaryDto.prototype, "settings", void 0);
__decorate([
    ApiProperty({ description: 'Bumped on every change; PUT must send the version it is based on' }),
    __metadata("design:type", Number)
], WorkflowSummaryDto.prototype, "version", void 0);
__decorate([
    ApiProperty({ description: 'Webhook runs so far; may lag by a few seconds' }),
    __metadata("design:type", Number)
], WorkflowSummaryDto.prototype, "triggerCount", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WorkflowSummaryDto.prototype, "createdAt", void 0);
__decorate([
    ApiProperty(),
    __metadata("design:type", String)
], WorkflowSummaryDto.prototype, "updatedAt", void 0);
export class WorkflowDto extends WorkflowSummaryDto {
    nodes;
    connections;
    warnings;
}
__decorate([
    ApiProperty({ type: [WorkflowNodeDto] }),
    __metadata("design:type", Array)
], WorkflowDto.prototype, "nodes", void 0);
__decorate([
    ApiProperty({ type: 'object', additionalProperties: true, example: { Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] } } }),
    __metadata("design:type", Object)
], WorkflowDto.prototype, "connections", void 0);
__decorate([
    ApiPropertyOptional({ type: [String], description: 'On create and update: what is allowed but probably unintended, e.g. nodes the trigger does not reach' }),
    __metadata("design:type", Array)
], WorkflowDto.prototype, "warnings", void 0);
export class WorkflowPageDto extends PageDto(WorkflowSummaryDto, 'WorkflowPage') {
}
//# sourceMappingURL=workflow.dto.js.map