import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { HealthController } from './health.controller.js';
import { RedisHealth } from './redis-health.js';
import { WorkerRoutesMiddleware } from './worker-routes.middleware.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RedisHealth],
})
export class HealthModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.appRole === 'worker') consumer.apply(WorkerRoutesMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
