import { Body, Controller, Delete, Get, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage, type Page } from '../common/pagination.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CreateWebhookDto, UpdateWebhookDto, WebhookDto, WebhookPageDto, WebhookQueryDto } from './dto/webhook.dto.js';
import { toWebhookDto } from './webhook.mapper.js';
import type { WebhookEntity } from './webhook.entity.js';
import { WebhooksService } from './webhooks.service.js';

const AUTH_RULES =
  '`authentication.type`: `none`; `header` (an httpHeaderAuth credential); `basic` (httpBasicAuth); `hmac` (webhookSecret) with a `preset` ' +
  '(`standardWebhooks`, `github`, `stripe`, or `generic` with `headerName`, `algorithm`, `encoding`). The credential must belong to the workflow\'s owner.';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @ApiRoute({ summary: 'Create a webhook for a workflow', description: `Senders deliver to the \`url\` of the response. A workflow whose trigger is a \`schedule\` takes no webhook (400). ${AUTH_RULES}`, status: 201, type: WebhookDto, errors: [400, 404] })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookDto): Promise<WebhookDto> {
    return this.toDto(await this.webhooks.create(principal, body));
  }

  @Get()
  @ApiRoute({ summary: 'List webhooks, newest first', description: 'Members see the webhooks of their own workflows; admins see all.', type: WebhookPageDto, errors: [400, 404] })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: WebhookQueryDto): Promise<Page<WebhookDto>> {
    const limit = pageLimit(query);
    const rows = await this.webhooks.list(principal, { workflowId: query.workflowId, limit, cursor: query.cursor });
    return toPage(rows, limit, (row) => this.toDto(row));
  }

  @Get(':id')
  @ApiRoute({ summary: 'Get a webhook', type: WebhookDto, errors: [400, 404] })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<WebhookDto> {
    return this.toDto(await this.webhooks.get(principal, id));
  }

  @Patch(':id')
  @ApiRoute({ summary: 'Change a webhook', description: `Any field but \`workflowId\`; \`authentication\` is replaced whole. ${AUTH_RULES}`, type: WebhookDto, errors: [400, 404] })
  async update(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateWebhookDto): Promise<WebhookDto> {
    return this.toDto(await this.webhooks.update(principal, id, body));
  }

  @Delete(':id')
  @ApiRoute({ summary: 'Delete a webhook', description: 'Its URL answers 404 from then on; executions it started stay.', status: 204, errors: [400, 404] })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.webhooks.delete(principal, id);
  }

  private toDto(webhook: Omit<WebhookEntity, 'workflow'>): WebhookDto {
    return toWebhookDto(webhook as WebhookEntity, this.config.publicUrl);
  }
}
