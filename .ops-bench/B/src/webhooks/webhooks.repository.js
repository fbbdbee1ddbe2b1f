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
import { DataSource } from 'typeorm';
import { WorkflowEntity } from '../workflows/workflow.entity.js';
import { WebhookEntity } from './webhook.entity.js';
let WebhooksRepository = class WebhooksRepository {
    webhooks;
    workflows;
    constructor(dataSource) {
        this.webhooks = dataSource.getRepository(WebhookEntity);
        this.workflows = dataSource.getRepository(WorkflowEntity);
    }
    /** The workflow's owner, for access checks; `ownerId` set: only if that user owns it. */
    findWorkflowOwner(id, ownerId) {
        return this.workflows.findOne({ select: { id: true, ownerId: true }, where: ownerId === undefined ? { id } : { id, ownerId } });
    }
    /** One query, on the ingestion hot path too: the workflow's nodes are not read. */
    findWithWorkflow(id, ownerId) {
        const query = this.withWorkflow(ownerId).andWhere('webhook.id = :id', { id });
        return query.getOne();
    }
    /** Newest first, `limit + 1` rows (see toPage). */
    list(filter) {
        const query = this.withWorkflow(filter.ownerId);
        if (filter.workflowId !== undefined)
            query.andWhere('webhook.workflowId = :workflowId', { workflowId: filter.workflowId });
        if (filter.cursor !== undefined)
            query.andWhere('webhook.id < :cursor', { cursor: filter.cursor });
        return query.orderBy('webhook.id', 'DESC').limit(filter.limit + 1).getMany();
    }
    insert(webhook) {
        return this.webhooks.save(webhook);
    }
    async update(id, changes) {
        // TypeORM's partial-entity type does not follow jsonb columns typed as interfaces.
        await this.webhooks.update({ id }, changes);
    }
    async delete(id) {
        await this.webhooks.delete({ id });
    }
    withWorkflow(ownerId) {
        const query = this.webhooks
            .createQueryBuilder('webhook')
            .innerJoin('webhook.workflow', 'workflow')
            .addSelect(['workflow.id', 'workflow.ownerId', 'workflow.active']);
        if (ownerId !== undefined)
            query.andWhere('workflow.ownerId = :ownerId', { ownerId });
        return query;
    }
};
WebhooksRepository = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], WebhooksRepository);
export { WebhooksRepository };
//# sourceMappingURL=webhooks.repository.js.map