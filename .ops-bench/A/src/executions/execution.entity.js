var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
/**
 * No foreign keys: executions outlive their workflow and webhook (SPEC §8.2 DELETE), and the ingest
 * insert is the hot path.
 */
let ExecutionEntity = class ExecutionEntity {
    id;
    workflowId;
    workflowVersion;
    webhookId;
    userId;
    mode;
    status;
    triggerData;
    nodeExecutions;
    error;
    idempotencyKey;
    retryOf;
    createdAt;
    startedAt;
    completedAt;
    /** Incremented each time a worker takes the execution; fences writes from an earlier owner. */
    attempt;
    leaseOwner;
    leaseExpiresAt;
    /** The wait node a WAITING execution is paused at. */
    waitNode;
    /** When a WAITING execution continues on its own (duration over, or resume timeout); null: never. */
    waitTill;
    /** The resume request `{ body, query }` that woke a waiting execution, consumed when it continues. */
    resumeData;
    /** What a respondToWebhook node answered, for a `responseNode` caller waiting on another replica. */
    webhookResponse;
};
__decorate([
    PrimaryColumn('uuid'),
    __metadata("design:type", String)
], ExecutionEntity.prototype, "id", void 0);
__decorate([
    Column({ type: 'uuid' }),
    __metadata("design:type", String)
], ExecutionEntity.prototype, "workflowId", void 0);
__decorate([
    Column({ type: 'integer' }),
    __metadata("design:type", Number)
], ExecutionEntity.prototype, "workflowVersion", void 0);
__decorate([
    Column({ type: 'uuid', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "webhookId", void 0);
__decorate([
    Column({ type: 'uuid' }),
    __metadata("design:type", String)
], ExecutionEntity.prototype, "userId", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], ExecutionEntity.prototype, "mode", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], ExecutionEntity.prototype, "status", void 0);
__decorate([
    Column({ type: 'jsonb', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "triggerData", void 0);
__decorate([
    Column({ type: 'jsonb', default: () => "'[]'" }),
    __metadata("design:type", Array)
], ExecutionEntity.prototype, "nodeExecutions", void 0);
__decorate([
    Column({ type: 'text', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "error", void 0);
__decorate([
    Column({ type: 'text', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "idempotencyKey", void 0);
__decorate([
    Column({ type: 'uuid', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "retryOf", void 0);
__decorate([
    Column({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], ExecutionEntity.prototype, "createdAt", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "startedAt", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "completedAt", void 0);
__decorate([
    Column({ type: 'integer', default: 0 }),
    __metadata("design:type", Number)
], ExecutionEntity.prototype, "attempt", void 0);
__decorate([
    Column({ type: 'text', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "leaseOwner", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "leaseExpiresAt", void 0);
__decorate([
    Column({ type: 'text', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "waitNode", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "waitTill", void 0);
__decorate([
    Column({ type: 'jsonb', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "resumeData", void 0);
__decorate([
    Column({ type: 'jsonb', nullable: true }),
    __metadata("design:type", Object)
], ExecutionEntity.prototype, "webhookResponse", void 0);
ExecutionEntity = __decorate([
    Entity('workflow_executions'),
    Index('IDX_executions_workflow_id', ['workflowId', 'id']),
    Index('IDX_executions_user_id', ['userId', 'id']),
    Index('IDX_executions_status_id', ['status', 'id'])
    /** The retention pass (SPEC §7.8) finds ended executions by completion time. */
    ,
    Index('IDX_executions_completed_at', ['completedAt']),
    Index('IDX_executions_wait_till', ['waitTill'], { where: `"status" = 'WAITING'` }),
    Index('UQ_executions_webhook_idempotency', ['webhookId', 'idempotencyKey'], { unique: true, where: '"idempotencyKey" IS NOT NULL' })
], ExecutionEntity);
export { ExecutionEntity };
//# sourceMappingURL=execution.entity.js.map