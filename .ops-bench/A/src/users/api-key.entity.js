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
import { UserEntity } from './user.entity.js';
let ApiKeyEntity = class ApiKeyEntity {
    id;
    userId;
    user;
    name;
    /** The key's first 8 characters: shown to people and used to find the row. */
    prefix;
    /** SHA-256 of the whole key, hex; the key itself is never stored. */
    hash;
    lastUsedAt;
    expiresAt;
    revokedAt;
    createdAt;
};
__decorate([
    PrimaryColumn('uuid'),
    __metadata("design:type", String)
], ApiKeyEntity.prototype, "id", void 0);
__decorate([
    Index(),
    Column({ type: 'uuid' }),
    __metadata("design:type", String)
], ApiKeyEntity.prototype, "userId", void 0);
__decorate([
    ManyToOne(() => UserEntity, { onDelete: 'CASCADE' }),
    JoinColumn({ name: 'userId' }),
    __metadata("design:type", Object)
], ApiKeyEntity.prototype, "user", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], ApiKeyEntity.prototype, "name", void 0);
__decorate([
    Index(),
    Column({ type: 'text' }),
    __metadata("design:type", String)
], ApiKeyEntity.prototype, "prefix", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], ApiKeyEntity.prototype, "hash", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ApiKeyEntity.prototype, "lastUsedAt", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ApiKeyEntity.prototype, "expiresAt", void 0);
__decorate([
    Column({ type: 'timestamptz', nullable: true }),
    __metadata("design:type", Object)
], ApiKeyEntity.prototype, "revokedAt", void 0);
__decorate([
    CreateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], ApiKeyEntity.prototype, "createdAt", void 0);
ApiKeyEntity = __decorate([
    Entity('api_keys')
], ApiKeyEntity);
export { ApiKeyEntity };
//# sourceMappingURL=api-key.entity.js.map