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
import { invalid, notFound } from '../common/app-error.js';
import { ownerScope } from '../common/principal.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { newId } from '../database/uuid.js';
import { CREDENTIAL_TYPE_FOR_AUTH, normalizeAuthentication } from './webhook-auth.js';
import { WebhookEntity } from './webhook.entity.js';
import { WebhooksRepository } from './webhooks.repository.js';
const FOREIGN_KEY_VIOLATION = '23503';
/**
 * Webhooks belong to a workflow; a member reaches only those of its own workflows, and any other is
 * "not found" (SPEC §9.1).
 */
let WebhooksService = class WebhooksService {
    repository;
    credentials;
    constructor(repository, credentials) {
        this.repository = repository;
        this.credentials = credentials;
    }
    async create(principal, input) {
        const workflow = await this.visibleWorkflow(principal, input.workflowId);
        const authentication = await this.checkAuthentication(principal, workflow.ownerId, input.authentication ?? { type: 'none' });
        const webhook = Object.assign(new WebhookEntity(), {
            id: newId(),
            workflowId: workflow.id,
            method: input.method ?? 'POST',
            responseMode: input.responseMode ?? 'onReceived',
            responseTimeoutMs: input.responseTimeoutMs ?? 30_000,
            authentication,
            idempotencyHeader: input.idempotencyHeader ?? 'Idempotency-Key',
            rateLimit: input.rateLimit ? { limit: input.rateLimit.limit, windowSeconds: input.rateLimit.windowSeconds } : null,
            active: input.active ?? true,
            lastTriggeredAt: null,
        });
        try {
            return await this.repository.insert(webhook);
        }
        catch (error) {
            // The workflow was deleted between the check and the insert.
            if (error.code === FOREIGN_KEY_VIOLATION)
                throw notFound('Workflow', input.workflowId);
            throw error;
        }
    }
    async list(principal, query) {
        if (query.workflowId !== undefined)
            await this.visibleWorkflow(principal, query.workflowId);
        return this.repository.list({ ownerId: ownerScope(principal), ...query });
    }
    async get(principal, id) {
        const webhook = await this.repository.findWithWorkflow(id, ownerScope(principal));
        if (!webhook)
            throw notFound('Webhook', id);
        return webhook;
    }
    async update(principal, id, input) {
        const changes = {};
        for (const [field, value] of Object.entries(input))
            if (value !== undefined)
                Object.assign(changes, { [field]: value });
        if (!Object.keys(changes).length)
            throw invalid('Nothing to update: send at least one field');
        const webhook = await this.get(principal, id);
        if (input.authentication !== undefined)
            changes.authentication = await this.checkAuthentication(principal, webhook.workflow.ownerId, input.authentication);
        if (input.rateLimit)
            changes.rateLimit = { limit: input.rateLimit.limit, windowSeconds: input.rateLimit.windowSeconds };
        await this.repository.update(id, changes);
        return this.get(principal, id);
    }
    async delete(principal, id) {
        await this.get(principal, id);
        await this.repository.delete(id);
    }
    /** For ingestion and the engine: no access check; null when there is no such webhook. */
    getWebhookById(id) {
        return this.repository.findWithWorkflow(id);
    }
    async visibleWorkflow(principal, workflowId) {
        const workflow = await this.repository.findWorkflowOwner(workflowId, ownerScope(principal));
        if (!workflow)
            throw notFound('Workflow', workflowId);
        return workflow;
    }
    /**
     * The stored form of `authentication`: the type's rules hold, and its credential exists, has the
     * type the check needs and belongs to the workflow's owner (whose runs will use it).
     */
    async checkAuthentication(principal, workflowOwnerId, input) {
        const { authentication, problems } = normalizeAuthentication(input);
        if (problems.length)
            throw invalid(problems);
        if (authentication.type === 'none' || !authentication.credentialId)
            return authentication;
        const id = authentication.credentialId;
        const [credential] = await this.credentials.findForValidation([id]);
        // A member must not learn that another user's credential exists.
        if (!credential || (ownerScope(principal) !== undefined && credential.ownerId !== principal.userId)) {
            throw invalid(`authentication.credentialId: credential ${id} does not exist`);
        }
        if (credential.ownerId !== workflowOwnerId)
            throw invalid(`authentication.credentialId: credential ${id} belongs to another user than the workflow's owner`);
        const expected = CREDENTIAL_TYPE_FOR_AUTH[authentication.type];
        if (credential.type !== expected) {
            throw invalid(`authentication.credentialId: credential ${id} is of type ${credential.type}, but authentication type ${authentication.type} needs a ${expected} credential`);
        }
        return authentication;
    }
};
WebhooksService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [WebhooksRepository,
        CredentialsService])
], WebhooksService);
export { WebhooksService };
//# sourceMappingURL=webhooks.service.js.map