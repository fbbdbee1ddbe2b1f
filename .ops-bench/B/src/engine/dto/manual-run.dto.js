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
import { IsObject, IsOptional } from 'class-validator';
export class ManualRunDto {
    body;
    headers;
    query;
}
__decorate([
    ApiPropertyOptional({ description: 'The trigger body', example: { email: 'ada@example.com', score: 95 } }),
    IsOptional(),
    __metadata("design:type", Object)
], ManualRunDto.prototype, "body", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Trigger headers', type: 'object', additionalProperties: { type: 'string' } }),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], ManualRunDto.prototype, "headers", void 0);
__decorate([
    ApiPropertyOptional({ description: 'Trigger query parameters', type: 'object', additionalProperties: true }),
    IsOptional(),
    IsObject(),
    __metadata("design:type", Object)
], ManualRunDto.prototype, "query", void 0);
//# sourceMappingURL=manual-run.dto.js.map