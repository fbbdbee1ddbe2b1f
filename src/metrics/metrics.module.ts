import { Global, Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module.js';
import { MetricsBindings } from './metrics-bindings.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { PendingExecutionsRepository } from './pending-executions.repository.js';

/**
 * Prometheus metrics (docs/observability.md). Executions are counted from the lifecycle's events
 * (MetricsBindings); global for what is not an execution (webhook answers, schedule firings).
 */
@Global()
@Module({
  // The queue, for its depth gauge.
  imports: [EngineModule],
  controllers: [MetricsController],
  providers: [MetricsService, PendingExecutionsRepository, MetricsBindings],
  exports: [MetricsService],
})
export class MetricsModule {}
