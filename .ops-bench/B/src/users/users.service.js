var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config.js';
import { conflict, invalid, notFound } from '../common/app-error.js';
import { newId } from '../database/uuid.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { generateApiKey, hashApiKey, hashesEqual, keyPrefix } from './api-key.crypto.js';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
const BOOTSTRAP_EMAIL = 'admin@localhost';
const BOOTSTRAP_KEY_NAME = 'ADMIN_API_KEY';
/** lastUsedAt is a hint for people; writing it once a minute per key keeps auth read-only. */
const TOUCH_INTERVAL_MS = 60_000;
let UsersService = class UsersService {
    repository;
    config;
    logger = new Logger('UsersService');
    lastTouched = new Map();
    constructor(repository, config) {
        this.repository = repository;
        this.config = config;
    }
    /**
     * Makes sure an admin can log in: the configured ADMIN_API_KEY, or on first start a generated one
     * printed once. Only its hash is kept.
     */
    async bootstrapAdmin() {
        await this.repository.withBootstrapLock(async (repository) => {
            let admin = await repository.findUserByEmail(BOOTSTRAP_EMAIL);
            if (!admin) {
                admin = await repository.insertUser(Object.assign(new UserEntity(), { id: newId(), email: BOOTSTRAP_EMAIL, name: 'Administrator', role: 'admin' }));
            }
            const existing = await repository.findKeyByName(admin.id, BOOTSTRAP_KEY_NAME);
            const configured = this.config.adminApiKey;
            if (configured) {
                if (existing && hashesEqual(existing.hash, hashApiKey(configured)))
                    return;
                if (existing)
                    await repository.revokeKey(existing.id);
                await this.insertKey(repository, admin.id, BOOTSTRAP_KEY_NAME, configured, null);
                return;
            }
            if (existing)
                return;
            const generated = generateApiKey();
            await this.insertKey(repository, admin.id, BOOTSTRAP_KEY_NAME, generated, null);
            // Printed once, on purpose: it is the only way to learn the generated key.
            process.stdout.write(`\nNo ADMIN_API_KEY was set, so one was generated. It is shown only this once:\n\n    ${generated}\n\n`);
            this.logger.warn('Generated an admin API key (printed above). Set ADMIN_API_KEY in production.');
        });
    }
    /** Resolves a presented key to its principal, or undefined for unknown, revoked or expired keys. */
    async authenticate(presented) {
        if (presented.length < 16 || presented.length > 512)
            return undefined;
        const hash = hashApiKey(presented);
        const candidates = await this.repository.findKeysByPrefix(keyPrefix(presented));
        const now = Date.now();
        for (const key of candidates) {
            if (!hashesEqual(key.hash, hash))
                continue;
            if (key.expiresAt && key.expiresAt.getTime() <= now)
                return undefined;
            if (!key.user)
                return undefined;
            this.touch(key.id, now);
            return { userId: key.userId, role: key.user.role, apiKeyId: key.id };
        }
        return undefined;
    }
    async getUser(id) {
        const user = await this.repository.findUser(id);
        if (!user)
            throw notFound('User', id);
        return user;
    }
    async createUser(input) {
        const email = input.email.toLowerCase();
        if (await this.repository.findUserByEmail(email))
            throw conflict(`A user with email ${email} already exists`);
        return this.repository.insertUser(Object.assign(new UserEntity(), { id: newId(), email, name: input.name, role: input.role ?? 'member' }));
    }
    listUsers(limit, cursor) {
        return this.repository.listUsers(limit, cursor);
    }
    async createApiKey(userId, name, expiresAt) {
        await this.getUser(userId);
        const expiry = expiresAt ? new Date(expiresAt) : null;
        if (expiry && expiry.getTime() <= Date.now())
            throw invalid('expiresAt must be in the future');
        const key = generateApiKey();
        const entity = await this.insertKey(this.repository, userId, name, key, expiry);
        return { entity, key };
    }
    async revokeApiKey(id) {
        const key = await this.repository.findKey(id);
        if (!key || key.revokedAt)
            throw notFound('API key', id);
        await this.repository.revokeKey(id);
    }
    insertKey(repository, userId, name, key, expiresAt) {
        return repository.insertKey(Object.assign(new ApiKeyEntity(), { id: newId(), userId, name, prefix: keyPrefix(key), hash: hashApiKey(key), expiresAt, lastUsedAt: null, revokedAt: null }));
    }
    touch(keyId, now) {
        if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS)
            return;
        this.lastTouched.set(keyId, now);
        this.repository.touchKey(keyId, new Date(now)).catch((error) => this.logger.warn(`Could not record key use: ${error.message}`));
    }
};
UsersService = __decorate([
    Injectable(),
    __param(1, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [UsersRepository, Object])
], UsersService);
export { UsersService };
//# sourceMappingURL=users.service.js.map