var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Module } from '@nestjs/common';
import { CredentialsModule } from '../../credentials/credentials.module.js';
import { EngineModule } from '../../engine/engine.module.js';
import { ExecutionsModule } from '../../executions/executions.module.js';
import { RateLimiter } from './rate-limiter.js';
import { ResumeController } from './resume.controller.js';
import { TriggerStats } from './trigger-stats.js';
import { WebhookAuthenticator } from './webhook-authenticator.js';
import { WebhookHandlerController } from './webhook-handler.controller.js';
import { WebhookIngestService } from './webhook-ingest.service.js';
import { WebhookRoutes } from './webhook-routes.js';
/** The public side of webhooks: ingestion (SPEC §7.6). Management lives in WebhooksModule. */
let WebhookIngestModule = class WebhookIngestModule {
};
WebhookIngestModule = __decorate([
    Module({
        imports: [EngineModule, ExecutionsModule, CredentialsModule],
        controllers: [WebhookHandlerController, ResumeController],
        providers: [WebhookRoutes, WebhookAuthenticator, RateLimiter, TriggerStats, WebhookIngestService],
    })
], WebhookIngestModule);
export { WebhookIngestModule };
//# sourceMappingURL=webhook-ingest.module.js.map