import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config/app-config.js';
import { CommonModule } from './common/common.module.js';
import { ConfigModule } from './config/config.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { ApiKeyGuard } from './users/api-key.guard.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { DatabaseModule } from './database/database.module.js';
import { EngineModule } from './engine/engine.module.js';
import { ExecutionLifecycleModule } from './executions/execution-lifecycle.module.js';
import { ExecutionsModule } from './executions/executions.module.js';
import { RetentionModule } from './executions/retention.module.js';
import { HealthModule } from './health/health.module.js';
import { loggerParams } from './logging/logger-options.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NodesModule } from './nodes/nodes.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhookIngestModule } from './webhooks/ingest/webhook-ingest.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WorkflowsModule } from './workflows/workflows.module.js';

@Module({})
export class AppModule {
  /** `logDestination` lets a test read the log lines; the process writes them to stdout. */
  static forRoot(config: AppConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config), CommonModule, ExecutionLifecycleModule,
        LoggerModule.forRoot(loggerParams(config, logDestination)),
        MetricsModule,
        DatabaseModule.forRoot(config),
        HealthModule,
        UsersModule,
        NodesModule,
        CredentialsModule,
        WebhooksModule,
        WorkflowsModule,
        SettingsModule,
        ExecutionsModule,
        EngineModule,
        WebhookIngestModule,
        RetentionModule,
        SchedulesModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
