var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';
let CredentialEntity = class CredentialEntity {
    id;
    ownerId;
    owner;
    name;
    type;
    /** `v1:<keyId>:<base64(nonce | ciphertext | tag)>`, AES-256-GCM with the id as associated data. */
    data;
    /** Names of the fields inside `data`, so listings never need to decrypt. */
    fields;
    createdAt;
    updatedAt;
};
__decorate([
    PrimaryColumn('uuid'),
    __metadata("design:type", String)
], CredentialEntity.prototype, "id", void 0);
__decorate([
    Index(),
    Column({ type: 'uuid' }),
    __metadata("design:type", String)
], CredentialEntity.prototype, "ownerId", void 0);
__decorate([
    ManyToOne(() => UserEntity, { onDelete: 'CASCADE' }),
    JoinColumn({ name: 'ownerId' }),
    __metadata("design:type", Object)
], CredentialEntity.prototype, "owner", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], CredentialEntity.prototype, "name", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], CredentialEntity.prototype, "type", void 0);
__decorate([
    Column({ type: 'text' }),
    __metadata("design:type", String)
], CredentialEntity.prototype, "data", void 0);
__decorate([
    Column({ type: 'jsonb', default: () => "'[]'" }),
    __metadata("design:type", Array)
], CredentialEntity.prototype, "fields", void 0);
__decorate([
    CreateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], CredentialEntity.prototype, "createdAt", void 0);
__decorate([
    UpdateDateColumn({ type: 'timestamptz' }),
    __metadata("design:type", Date)
], CredentialEntity.prototype, "updatedAt", void 0);
CredentialEntity = __decorate([
    Entity('credentials')
], CredentialEntity);
export { CredentialEntity };
//# sourceMappingURL=credential.entity.js.map