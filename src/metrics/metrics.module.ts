import { Global, Module } from '@nestjs/common';
import { MetricsBindings } from './metrics-bindings.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { PendingExecutionsRepository } from './pending-executions.repository.js';

/** Prometheus metrics (docs/observability.md): global, so the engine and ingestion inject MetricsService directly. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService, PendingExecutionsRepository, MetricsBindings],
  exports: [MetricsService],
})
export class MetricsModule {}
