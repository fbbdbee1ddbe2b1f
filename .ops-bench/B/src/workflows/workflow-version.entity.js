var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
/**
 * An immutable snapshot of a workflow's definition, written with every change. Executions point at
 * (workflowId, version) so a run stays explainable after edits, and survives the workflow's deletion
 * (hence no foreign key).
 */
let WorkflowVersionEntity = class WorkflowVersionEntity {
    workflowId;
    version;
    name;
    nodes;
    connections;
    settings;
    createdAt;
};
__decorate([
    PrimaryColumn('uuid'),
    __metadata("design:type", String)
], WorkflowVersionEntity.prototype, "workflowId", void 0);
__decorate([
    PrimaryColumn('integer'),
    __metadata("design:type", Number)
], WorkflowVersionEntity.prototype, "version", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], WorkflowVersionEntity.prototype, "name", void 0);
__decorate([
    Column({ type: 'jsonb' }),
    __metadata("design:type", Array)
], WorkflowVersionEntity.prototype, "nodes", void 0);
__decorate([
    Column({ type: 'jsonb' }),
    __metadata("design:type", Object)
], WorkflowVersionEntity.prototype, "connections", void 0);
__decorate([
    Column({ type: 'jsonb' }),
    __metadata("design:type", Object)
], WorkflowVersionEntity.prototype, "settings", void 0);
__decorate([
    CreateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], WorkflowVersionEntity.prototype, "createdAt", void 0);
WorkflowVersionEntity = __decorate([
    Entity('workflow_versions')
], WorkflowVersionEntity);
export { WorkflowVersionEntity };
//# sourceMappingURL=workflow-version.entity.js.map