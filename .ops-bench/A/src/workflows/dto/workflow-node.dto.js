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
import { Allow, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
/**
 * One node of a definition (SPEC §5). Only the shape is checked here. The retry, timeout and
 * disabled fields are merely allowed (@Allow): the workflow validator checks their types and ranges,
 * as it does the type's parameter schema and the graph, with messages that name the node.
 *
 * `parameters` and `credentials` carry no nested @Type on purpose: class-transformer then copies
 * them as plain objects and the whitelist leaves their contents alone.
 */
export class WorkflowNodeDto {
    id;
    name;
    type;
    parameters;
    credentials;
    retryOnFail;
    maxTries;
    waitBetweenTries;
    continueOnFail;
    timeoutMs;
    disabled;
    position;
    notes;
}
__decorate([
    ApiProperty({ example: 'a1', description: 'Stable id, unique in the workflow' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(100),
    __metadata("design:type", String)
], WorkflowNodeDto.prototype, "id", void 0);
__decorate([
    ApiProperty({ example: 'Webhook', description: 'Unique in the workflow; connections and `$node` refer to nodes by name' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(200),
    __metadata("design:type", String)
], WorkflowNodeDto.prototype, "name", void 0);
__decorate([
    ApiProperty({ example: 'trigger', description: 'A node type (SPEC §6): trigger, httpRequest, sendEmail, sendTelegram, condition, set, merge, wait, respondToWebhook, noOp' }),
    IsString(),
    IsNotEmpty(),
    MaxLength(100),
    __metadata("design:type", String)
], WorkflowNodeDto.prototype, "type", void 0);
__decorate([
    ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { requiredFields: ['email'] }, description: "The type's parameters; any string may hold `{{ expression }}`" }),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], WorkflowNodeDto.prototype, "parameters", void 0);
__decorate([
    ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { resend: { id: '0190a1b2-…' } }, description: '`{ <credential type>: { id } }`' }),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], WorkflowNodeDto.prototype, "credentials", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Retry a failed try, up to maxTries tries in all' }),
    Allow(),
    __metadata("design:type", Boolean)
], WorkflowNodeDto.prototype, "retryOnFail", void 0);
__decorate([
    ApiPropertyOptional({ minimum: 1, maximum: 10 }),
    Allow(),
    __metadata("design:type", Number)
], WorkflowNodeDto.prototype, "maxTries", void 0);
__decorate([
    ApiPropertyOptional({ minimum: 0, maximum: 60_000, description: 'ms before the second try, doubled after each failed try' }),
    Allow(),
    __metadata("design:type", Number)
], WorkflowNodeDto.prototype, "waitBetweenTries", void 0);
__decorate([
    ApiPropertyOptional({ description: 'After the last failed try, record FAILED, output `{ error }` and go on' }),
    Allow(),
    __metadata("design:type", Boolean)
], WorkflowNodeDto.prototype, "continueOnFail", void 0);
__decorate([
    ApiPropertyOptional({ minimum: 1, maximum: 3_600_000, description: 'ms per try (default 60000)' }),
    Allow(),
    __metadata("design:type", Number)
], WorkflowNodeDto.prototype, "timeoutMs", void 0);
__decorate([
    ApiPropertyOptional({ description: 'A disabled node passes its input through' }),
    Allow(),
    __metadata("design:type", Boolean)
], WorkflowNodeDto.prototype, "disabled", void 0);
__decorate([
    ApiPropertyOptional({ example: [250, 300], description: 'Kept for editors; the engine ignores it' }),
    Allow(),
    __metadata("design:type", Object)
], WorkflowNodeDto.prototype, "position", void 0);
__decorate([
    ApiPropertyOptional(),
    IsOptional(),
    IsString(),
    MaxLength(10_000),
    __metadata("design:type", String)
], WorkflowNodeDto.prototype, "notes", void 0);
//# sourceMappingURL=workflow-node.dto.js.map