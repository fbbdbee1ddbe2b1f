import { Module } from '@nestjs/common';
import { CredentialsModule } from '../../credentials/credentials.module.js';
import { EngineModule } from '../../engine/engine.module.js';
import { ExecutionsModule } from '../../executions/executions.module.js';
import { WorkflowsModule } from '../../workflows/workflows.module.js';
import { WebhooksModule } from '../webhooks.module.js';
import { RateLimiter } from './rate-limiter.js';
import { ResumeController } from './resume.controller.js';
import { TriggerStats } from './trigger-stats.js';
import { WebhookAuthenticator } from './webhook-authenticator.js';
import { WebhookHandlerController } from './webhook-handler.controller.js';
import { WebhookIngestService } from './webhook-ingest.service.js';
import { WebhookRoutes } from './webhook-routes.js';

/** The public side of webhooks: ingestion (docs/webhooks.md). Management lives in WebhooksModule. */
@Module({
  imports: [EngineModule, ExecutionsModule, CredentialsModule, WorkflowsModule, WebhooksModule],
  controllers: [WebhookHandlerController, ResumeController],
  providers: [WebhookRoutes, WebhookAuthenticator, RateLimiter, TriggerStats, WebhookIngestService],
})
export class WebhookIngestModule {}
