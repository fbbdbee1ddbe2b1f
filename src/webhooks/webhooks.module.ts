import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';

@Module({
  imports: [CredentialsModule, WorkflowsModule],
  controllers: [WebhooksController],
  providers: [WebhooksRepository, WebhooksService],
  exports: [WebhooksService, WebhooksRepository],
})
export class WebhooksModule {}
