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
import { DataSource, In, LessThan } from 'typeorm';
import { CredentialEntity } from './credential.entity.js';
let CredentialsRepository = class CredentialsRepository {
    dataSource;
    credentials;
    constructor(dataSource) {
        this.dataSource = dataSource;
        this.credentials = dataSource.getRepository(CredentialEntity);
    }
    insert(credential) {
        return this.credentials.save(credential);
    }
    /** `ownerId` undefined: any owner (admins). */
    findById(id, ownerId) {
        return this.credentials.findOneBy(ownerId === undefined ? { id } : { id, ownerId });
    }
    findByType(type, ownerId) {
        return this.credentials.find({ where: ownerId === undefined ? { type } : { type, ownerId }, order: { id: 'DESC' } });
    }
    /** Newest first, `limit + 1` rows (see toPage). */
    list(filter) {
        const where = {};
        if (filter.ownerId !== undefined)
            where.ownerId = filter.ownerId;
        if (filter.type !== undefined)
            where.type = filter.type;
        if (filter.cursor !== undefined)
            where.id = LessThan(filter.cursor);
        return this.credentials.find({ where, order: { id: 'DESC' }, take: filter.limit + 1 });
    }
    /** Only what reference checks need: the secret column is not even read. */
    findSummaries(ids) {
        return this.credentials.find({ select: { id: true, type: true, ownerId: true }, where: { id: In(ids) } });
    }
    /** Saves name/data changes; returns the row as stored (updatedAt bumped). */
    async update(credential) {
        await this.credentials.update({ id: credential.id }, { name: credential.name, data: credential.data, fields: credential.fields });
        return (await this.findById(credential.id));
    }
    async delete(id) {
        await this.credentials.delete({ id });
    }
    /**
     * Workflows whose nodes reference the credential (`credentials: { <type>: { id } }`, SPEC §5) and
     * webhooks that authenticate with it.
     */
    async findUsage(id) {
        const [workflows, webhooks] = await Promise.all([
            this.dataSource.query(`SELECT "id", "name" FROM "workflows"
          WHERE jsonb_path_exists("nodes", '$[*].credentials.*.id ? (@ == $id)', jsonb_build_object('id', $1::text))
          ORDER BY "id" LIMIT 20`, [id]),
            this.dataSource.query(`SELECT "id" FROM "webhooks" WHERE "authentication"->>'credentialId' = $1 ORDER BY "id" LIMIT 20`, [id]),
        ]);
        return { workflows, webhookIds: webhooks.map((row) => row.id) };
    }
};
CredentialsRepository = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], CredentialsRepository);
export { CredentialsRepository };
//# sourceMappingURL=credentials.repository.js.map