var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var AppModule_1;
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from './config/config.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { ApiKeyGuard } from './common/api-key.guard.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { DatabaseModule } from './database/database.module.js';
import { EngineModule } from './engine/engine.module.js';
import { ExecutionsModule } from './executions/executions.module.js';
import { RetentionModule } from './executions/retention.module.js';
import { HealthModule } from './health/health.module.js';
import { loggerParams } from './logging/logger-options.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NodesModule } from './nodes/nodes.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhookIngestModule } from './webhooks/ingest/webhook-ingest.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';
let AppModule = AppModule_1 = class AppModule {
    /** `logDestination` lets a test read the log lines; the process writes them to stdout. */
    static forRoot(config, logDestination) {
        return {
            module: AppModule_1,
            imports: [
                ConfigModule.forRoot(config),
                LoggerModule.forRoot(loggerParams(config, logDestination)),
                MetricsModule,
                DatabaseModule.forRoot(config),
                HealthModule,
                UsersModule,
                NodesModule,
                CredentialsModule,
                WebhooksModule,
                WorkflowsModule,
                ExecutionsModule,
                EngineModule,
                WebhookIngestModule,
                RetentionModule,
            ],
            providers: [
                { provide: APP_GUARD, useClass: ApiKeyGuard },
                { provide: APP_FILTER, useClass: HttpExceptionFilter },
            ],
        };
    }
};
AppModule = AppModule_1 = __decorate([
    Module({})
], AppModule);
export { AppModule };
//# sourceMappingURL=app.module.js.map