var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var UsersRepository_1;
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';
import { UserEntity } from './user.entity.js';
let UsersRepository = UsersRepository_1 = class UsersRepository {
    users;
    keys;
    manager;
    constructor(dataSource) {
        this.manager = dataSource.manager;
        this.users = this.manager.getRepository(UserEntity);
        this.keys = this.manager.getRepository(ApiKeyEntity);
    }
    findUser(id) {
        return this.users.findOneBy({ id });
    }
    findUserByEmail(email) {
        return this.users.findOneBy({ email });
    }
    insertUser(user) {
        return this.users.save(user);
    }
    /** Newest first, after `cursor` (an id) when given. */
    listUsers(limit, cursor) {
        return this.users.find({
            where: cursor ? { id: LessThan(cursor) } : {},
            order: { id: 'DESC' },
            take: limit + 1,
        });
    }
    findKeysByPrefix(prefix) {
        return this.keys.find({ where: { prefix, revokedAt: IsNull() }, relations: { user: true } });
    }
    findKey(id) {
        return this.keys.findOneBy({ id });
    }
    findKeyByName(userId, name) {
        return this.keys.findOneBy({ userId, name, revokedAt: IsNull() });
    }
    insertKey(key) {
        return this.keys.save(key);
    }
    async revokeKey(id) {
        await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    }
    async touchKey(id, at) {
        await this.keys.update({ id }, { lastUsedAt: at });
    }
    /**
     * Serialises the bootstrap across replicas starting together. `work` gets a repository bound to
     * the transaction: every query must go through it (the embedded PGlite serialises connections,
     * so a query on another connection would wait for this transaction forever).
     */
    async withBootstrapLock(work) {
        return this.manager.transaction(async (manager) => {
            await manager.query('SELECT pg_advisory_xact_lock(7766655001)');
            return work(new UsersRepository_1({ manager }));
        });
    }
};
UsersRepository = UsersRepository_1 = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], UsersRepository);
export { UsersRepository };
//# sourceMappingURL=users.repository.js.map