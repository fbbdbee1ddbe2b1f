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
import { Transform, Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { WorkflowNodeDto } from './workflow-node.dto.js';
const CONNECTIONS_DOC = {
    type: 'object',
    additionalProperties: true,
    description: 'Keyed by the source node name; `main[i]` lists the targets of output i: `{ node, type: "main", index }`',
    example: { Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] } },
};
const SETTINGS_DOC = {
    type: 'object',
    additionalProperties: false,
    description: '`timeoutMs` (1000–86400000, whole execution), `concurrency` (1–1000), `saveNodeData` (`all` | `errorsOnly`)',
    example: { timeoutMs: 300000 },
};
export class CreateWorkflowDto {
    name;
    description;
    nodes;
    // Free-form here: the workflow validator checks the structure and names the node at fault.
    connections;
    settings;
    active;
}
__decorate([
    ApiProperty({ example: 'Score router' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], CreateWorkflowDto.prototype, "name", void 0);
__decorate([
    ApiPropertyOptional({ default: '' }),
    IsOptional(),
    IsString(),
    MaxLength(10_000),
    __metadata("design:type", String)
], CreateWorkflowDto.prototype, "description", void 0);
__decorate([
    ApiProperty({ type: [WorkflowNodeDto], description: 'At most 200 nodes, exactly one of type `trigger`' }),
    IsArray(),
    ValidateNested({ each: true }),
    Type(() => WorkflowNodeDto),
    __metadata("design:type", Array)
], CreateWorkflowDto.prototype, "nodes", void 0);
__decorate([
    ApiPropertyOptional(CONNECTIONS_DOC),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], CreateWorkflowDto.prototype, "connections", void 0);
__decorate([
    ApiPropertyOptional(SETTINGS_DOC),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], CreateWorkflowDto.prototype, "settings", void 0);
__decorate([
    ApiPropertyOptional({ default: false, description: 'Only active workflows run from their webhooks' }),
    IsOptional(),
    IsBoolean(),
    __metadata("design:type", Boolean)
], CreateWorkflowDto.prototype, "active", void 0);
export class ReplaceWorkflowDto extends CreateWorkflowDto {
    version;
}
__decorate([
    ApiProperty({ example: 3, description: 'The version this replacement is based on; 409 if the workflow changed since' }),
    IsInt(),
    Min(1),
    __metadata("design:type", Number)
], ReplaceWorkflowDto.prototype, "version", void 0);
export class PatchWorkflowDto {
    name;
    description;
    settings;
}
__decorate([
    ApiPropertyOptional(),
    IsOptional(),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], PatchWorkflowDto.prototype, "name", void 0);
__decorate([
    ApiPropertyOptional(),
    IsOptional(),
    IsString(),
    MaxLength(10_000),
    __metadata("design:type", String)
], PatchWorkflowDto.prototype, "description", void 0);
__decorate([
    ApiPropertyOptional({ ...SETTINGS_DOC, description: `Replaces the whole settings object. ${SETTINGS_DOC.description}` }),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], PatchWorkflowDto.prototype, "settings", void 0);
const toBoolean = ({ value }) => (value === 'true' ? true : value === 'false' ? false : value);
export class ListWorkflowsQueryDto extends PageQueryDto {
    active;
    search;
}
__decorate([
    ApiPropertyOptional({ type: Boolean, description: 'Only active (true) or inactive (false) workflows' }),
    IsOptional(),
    Transform(toBoolean),
    IsBoolean({ message: 'active must be true or false' }),
    __metadata("design:type", Boolean)
], ListWorkflowsQueryDto.prototype, "active", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Case-insensitive substring of the name' }),
    IsOptional(),
    IsString(),
    MaxLength(200),
    __metadata("design:type", String)
], ListWorkflowsQueryDto.prototype, "search", void 0);
//# sourceMappingURL=workflow-input.dto.js.map