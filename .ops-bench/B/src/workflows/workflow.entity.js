var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';
let WorkflowEntity = class WorkflowEntity {
    id;
    ownerId;
    owner;
    name;
    description;
    active;
    nodes;
    connections;
    settings;
    /** Bumped on every change; PUT must name the version it read (optimistic locking). */
    version;
    /** Flushed from in-memory counters every few seconds so it never becomes a hot row. */
    triggerCount;
    createdAt;
    updatedAt;
};
__decorate([
    PrimaryColumn('uuid'),
    __metadata("design:type", String)
], WorkflowEntity.prototype, "id", void 0);
__decorate([
    Column({ type: 'uuid' }),
    __metadata("design:type", String)
], WorkflowEntity.prototype, "ownerId", void 0);
__decorate([
    ManyToOne(() => UserEntity, { onDelete: 'CASCADE' }),
    JoinColumn({ name: 'ownerId' }),
    __metadata("design:type", Object)
], WorkflowEntity.prototype, "owner", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], WorkflowEntity.prototype, "name", void 0);
__decorate([
    Column({ type: 'text', default: '' }),
    __metadata("design:type", String)
], WorkflowEntity.prototype, "description", void 0);
__decorate([
    Column({ type: 'boolean', default: false }),
    __metadata("design:type", Boolean)
], WorkflowEntity.prototype, "active", void 0);
__decorate([
    Column({ type: 'jsonb', default: () => "'[]'" }),
    __metadata("design:type", Array)
], WorkflowEntity.prototype, "nodes", void 0);
__decorate([
    Column({ type: 'jsonb', default: () => "'{}'" }),
    __metadata("design:type", Object)
], WorkflowEntity.prototype, "connections", void 0);
__decorate([
    Column({ type: 'jsonb', default: () => "'{}'" }),
    __metadata("design:type", Object)
], WorkflowEntity.prototype, "settings", void 0);
__decorate([
    VersionColumn({ type: 'integer' }),
    __metadata("design:type", Number)
], WorkflowEntity.prototype, "version", void 0);
__decorate([
    Column({ type: 'bigint', default: 0, transformer: { to: (v) => v, from: (v) => Number(v ?? 0) } }),
    __metadata("design:type", Number)
], WorkflowEntity.prototype, "triggerCount", void 0);
__decorate([
    CreateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], WorkflowEntity.prototype, "createdAt", void 0);
__decorate([
    UpdateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], WorkflowEntity.prototype, "updatedAt", void 0);
WorkflowEntity = __decorate([
    Entity('workflows'),
    Index(['ownerId', 'id'])
], WorkflowEntity);
export { WorkflowEntity };
//# sourceMappingURL=workflow.entity.js.map