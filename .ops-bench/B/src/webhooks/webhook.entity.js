var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { WorkflowEntity } from '../workflows/workflow.entity.js';
let WebhookEntity = class WebhookEntity {
    /** The `:id` of the public URL. */
    id;
    workflowId;
    workflow;
    /** Registered methods; a request with another gets 405 with `Allow`. */
    method;
    responseMode;
    responseTimeoutMs;
    authentication;
    idempotencyHeader;
    rateLimit;
    active;
    createdAt;
    /** Flushed in batches; may lag by seconds. */
    lastTriggeredAt;
};
__decorate([
    PrimaryColumn('uuid'),
    __metadata("design:type", String)
], WebhookEntity.prototype, "id", void 0);
__decorate([
    Index(),
    Column({ type: 'uuid' }),
    __metadata("design:type", String)
], WebhookEntity.prototype, "workflowId", void 0);
__decorate([
    ManyToOne(() => WorkflowEntity, { onDelete: 'CASCADE' }),
    JoinColumn({ name: 'workflowId' }),
    __metadata("design:type", Object)
], WebhookEntity.prototype, "workflow", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], WebhookEntity.prototype, "method", void 0);
__decorate([
    Column({ type: 'text', default: 'onReceived' }),
    __metadata("design:type", String)
], WebhookEntity.prototype, "responseMode", void 0);
__decorate([
    Column({ type: 'integer', default: 30000 }),
    __metadata("design:type", Number)
], WebhookEntity.prototype, "responseTimeoutMs", void 0);
__decorate([
    Column({ type: 'jsonb', default: () => `'{"type": "none"}'` }),
    __metadata("design:type", Object)
], WebhookEntity.prototype, "authentication", void 0);
__decorate([
    Column({ type: 'text', default: 'Idempotency-Key' }),
    __metadata("design:type", String)
], WebhookEntity.prototype, "idempotencyHeader", void 0);
__decorate([
    Column({ type: 'jsonb', nullable: true }),
    __metadata("design:type", Object)
], WebhookEntity.prototype, "rateLimit", void 0);
__decorate([
    Column({ type: 'boolean', default: true }),
    __metadata("design:type", Boolean)
], WebhookEntity.prototype, "active", void 0);
__decorate([
    CreateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], WebhookEntity.prototype, "createdAt", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], WebhookEntity.prototype, "lastTriggeredAt", void 0);
WebhookEntity = __decorate([
    Entity('webhooks')
], WebhookEntity);
export { WebhookEntity };
//# sourceMappingURL=webhook.entity.js.map