var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
export class RetryExecutionDto {
    from;
    workflowVersion;
}
__decorate([
    ApiPropertyOptional({ enum: ['failedNode', 'start'], default: 'failedNode', description: 'failedNode reuses the successful nodes\' outputs and starts at the failed node' }),
    IsOptional(),
    IsIn(['failedNode', 'start']),
    __metadata("design:type", String)
], RetryExecutionDto.prototype, "from", void 0);
__decorate([
    ApiPropertyOptional({ enum: ['original', 'current'], default: 'original', description: 'Run the version the execution ran, or the workflow as it is now' }),
    IsOptional(),
    IsIn(['original', 'current']),
    __metadata("design:type", String)
], RetryExecutionDto.prototype, "workflowVersion", void 0);
//# sourceMappingURL=retry.dto.js.map