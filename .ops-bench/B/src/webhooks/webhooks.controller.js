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
import { Body, Controller, Delete, Get, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage } from '../common/pagination.js';
import { CurrentPrincipal } from '../common/principal.js';
import { APP_CONFIG } from '../config/app-config.js';
import { CreateWebhookDto, UpdateWebhookDto, WebhookDto, WebhookPageDto, WebhookQueryDto } from './dto/webhook.dto.js';
import { toWebhookDto } from './webhook.mapper.js';
import { WebhooksService } from './webhooks.service.js';
const AUTH_RULES = '`authentication.type`: `none`; `header` (an httpHeaderAuth credential); `basic` (httpBasicAuth); `hmac` (webhookSecret) with a `preset` ' +
    '(`standardWebhooks`, `github`, `stripe`, or `generic` with `headerName`, `algorithm`, `encoding`). The credential must belong to the workflow\'s owner.';
let WebhooksController = class WebhooksController {
    webhooks;
    config;
    constructor(webhooks, config) {
        this.webhooks = webhooks;
        this.config = config;
    }
    async create(principal, body) {
        return this.toDto(await this.webhooks.create(principal, body));
    }
    async list(principal, query) {
        const limit = pageLimit(query);
        const rows = await this.webhooks.list(principal, { workflowId: query.workflowId, limit, cursor: query.cursor });
        return toPage(rows, limit, (row) => this.toDto(row));
    }
    async get(principal, id) {
        return this.toDto(await this.webhooks.get(principal, id));
    }
    async update(principal, id, body) {
        return this.toDto(await this.webhooks.update(principal, id, body));
    }
    async delete(principal, id) {
        await this.webhooks.delete(principal, id);
    }
    toDto(webhook) {
        return toWebhookDto(webhook, this.config.publicUrl);
    }
};
__decorate([
    Post(),
    ApiRoute({ summary: 'Create a webhook for a workflow', description: `Senders deliver to the \`url\` of the response. ${AUTH_RULES}`, status: 201, type: WebhookDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, CreateWebhookDto]),
    __metadata("design:returntype", Promise)
], WebhooksController.prototype, "create", null);
__decorate([
    Get(),
    ApiRoute({ summary: 'List webhooks, newest first', description: 'Members see the webhooks of their own workflows; admins see all.', type: WebhookPageDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Query()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, WebhookQueryDto]),
    __metadata("design:returntype", Promise)
], WebhooksController.prototype, "list", null);
__decorate([
    Get(':id'),
    ApiRoute({ summary: 'Get a webhook', type: WebhookDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], WebhooksController.prototype, "get", null);
__decorate([
    Patch(':id'),
    ApiRoute({ summary: 'Change a webhook', description: `Any field but \`workflowId\`; \`authentication\` is replaced whole. ${AUTH_RULES}`, type: WebhookDto, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __param(2, Body()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String, UpdateWebhookDto]),
    __metadata("design:returntype", Promise)
], WebhooksController.prototype, "update", null);
__decorate([
    Delete(':id'),
    ApiRoute({ summary: 'Delete a webhook', description: 'Its URL answers 404 from then on; executions it started stay.', status: 204, errors: [400, 404] }),
    __param(0, CurrentPrincipal()),
    __param(1, Param('id', ParseUUIDPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, String]),
    __metadata("design:returntype", Promise)
], WebhooksController.prototype, "delete", null);
WebhooksController = __decorate([
    ApiTags('webhooks'),
    Controller('webhooks'),
    __param(1, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [WebhooksService, Object])
], WebhooksController);
export { WebhooksController };
//# sourceMappingURL=webhooks.controller.js.map