var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { conflict, invalid, notFound } from '../common/app-error.js';
import { newId } from '../database/uuid.js';
import { CredentialCipher } from './credential-crypto.js';
import { CREDENTIAL_TYPES, credentialDataProblems, isCredentialType } from './credential-types.js';
import { CredentialEntity } from './credential.entity.js';
import { CredentialsRepository } from './credentials.repository.js';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Credentials: stored encrypted, returned as metadata only, decrypted solely for the engine.
 * `ownerScope` (see common/principal.ts) is the owner filter: undefined means any owner (admins,
 * and the engine acting for a workflow's owner passes that owner).
 */
let CredentialsService = class CredentialsService {
    repository;
    cipher;
    constructor(repository, cipher) {
        this.repository = repository;
        this.cipher = cipher;
    }
    async create(ownerId, input) {
        const data = validData(input.type, input.data);
        const id = newId();
        return this.repository.insert(Object.assign(new CredentialEntity(), { id, ownerId, name: input.name, type: input.type, data: this.cipher.encrypt(id, data), fields: fieldsOf(input.type) }));
    }
    list(ownerScope, query) {
        return this.repository.list({ ownerId: ownerScope, ...query });
    }
    /** Another user's credential is "not found" for a member (SPEC §9.1). */
    async getCredentials(id, ownerScope) {
        const credential = await this.repository.findById(id, ownerScope);
        if (!credential)
            throw notFound('Credential', id);
        return credential;
    }
    getCredentialsByType(type, ownerScope) {
        return this.repository.findByType(type, ownerScope);
    }
    /** The plain secret. Throws CredentialDecryptionError (naming the id only) if it cannot be opened. */
    decrypt(credential) {
        return this.cipher.decrypt(credential.id, credential.data);
    }
    async update(id, ownerScope, input) {
        if (input.name === undefined && input.data === undefined)
            throw invalid('Nothing to update: send name and/or data');
        const credential = await this.getCredentials(id, ownerScope);
        if (input.name !== undefined)
            credential.name = input.name;
        if (input.data !== undefined) {
            if (!isCredentialType(credential.type))
                throw invalid(`Credential ${id} has the retired type ${credential.type}; create a new credential instead`);
            credential.data = this.cipher.encrypt(id, validData(credential.type, input.data));
            credential.fields = fieldsOf(credential.type);
        }
        return this.repository.update(credential);
    }
    /** Refused (409) while a workflow node or a webhook references the credential. */
    async delete(id, ownerScope) {
        await this.getCredentials(id, ownerScope);
        const usage = await this.repository.findUsage(id);
        if (usage.workflows.length || usage.webhookIds.length)
            throw conflict(describeUsage(id, usage));
        await this.repository.delete(id);
    }
    /**
     * For reference checks (workflow and webhook validation): which of `ids` exist, their type and
     * owner. No decryption; ids that are not UUIDs cannot exist, so they are dropped before the query.
     */
    async findForValidation(ids) {
        const candidates = [...new Set(ids.filter((id) => typeof id === 'string' && UUID.test(id)))];
        if (!candidates.length)
            return [];
        const rows = await this.repository.findSummaries(candidates);
        return rows.map(({ id, type, ownerId }) => ({ id, type, ownerId }));
    }
};
CredentialsService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [CredentialsRepository,
        CredentialCipher])
], CredentialsService);
export { CredentialsService };
function validData(type, data) {
    const problems = credentialDataProblems(type, data);
    if (problems.length)
        throw invalid(problems);
    return Object.fromEntries(fieldsOf(type).map((field) => [field, data[field]]));
}
const fieldsOf = (type) => [...CREDENTIAL_TYPES[type].fields];
function describeUsage(id, usage) {
    const users = [
        ...usage.workflows.map((workflow) => `workflow "${workflow.name}" (${workflow.id})`),
        ...usage.webhookIds.map((webhookId) => `webhook ${webhookId}`),
    ];
    return `Credential ${id} is in use by ${users.join(', ')}; remove those references before deleting it`;
}
//# sourceMappingURL=credentials.service.js.map