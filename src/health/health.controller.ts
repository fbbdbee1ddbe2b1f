import { Controller, Get, HttpException, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiRoute } from '../common/api-docs.js';
import { Public } from '../common/auth.decorators.js';
import { DatabaseLifecycle } from '../database/database.lifecycle.js';
import { RedisHealth } from './redis-health.js';
import { ShutdownState } from '../common/shutdown-state.js';

const PING_TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseLifecycle,
    private readonly shutdown: ShutdownState,
    private readonly redis: RedisHealth,
  ) {}

  @Get('live')
  @ApiRoute({ summary: 'Liveness: the process and its event loop respond', public: true })
  live(): { status: 'ok' } {
    // Touches no dependency: a database outage must not make Kubernetes restart healthy pods.
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiRoute({ summary: 'Readiness: database (and Redis in queue mode) reachable, migrations applied, not shutting down', public: true, errors: [503] })
  ready(@Res({ passthrough: true }) response: Response) {
    if (this.shutdown.isShuttingDown) throw new ServiceUnavailableException('Shutting down');
    return this.withDetails(response, this.health.check(this.dependencyChecks()));
  }

  @Get()
  @HealthCheck()
  @ApiRoute({ summary: 'Detailed report of every check', public: true, errors: [503] })
  report(@Res({ passthrough: true }) response: Response) {
    return this.withDetails(response, this.health.check([...this.dependencyChecks(), () => this.shutdownCheck()]));
  }

  /** A failed check still answers Terminus' report (which dependency is down), with status 503. */
  private async withDetails<T>(response: Response, check: Promise<T>): Promise<T | string | object> {
    try {
      return await check;
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      response.status(error.getStatus());
      return error.getResponse();
    }
  }

  private dependencyChecks(): Array<() => Promise<HealthIndicatorResult>> {
    const checks = [() => this.databaseCheck(), () => this.migrationsCheck()];
    if (this.redis.enabled) checks.push(() => this.redisCheck());
    return checks;
  }

  private async redisCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('redis');
    try {
      await this.redis.ping(PING_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async databaseCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('database');
    try {
      await withTimeout(this.database.dataSource.query('SELECT 1'), PING_TIMEOUT_MS);
      return check.up({ embedded: this.database.isEmbedded });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async migrationsCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('migrations');
    try {
      return (await withTimeout(this.database.migrationsApplied(), PING_TIMEOUT_MS)) ? check.up() : check.down({ message: 'migrations pending' });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private shutdownCheck(): HealthIndicatorResult {
    const check = this.indicators.check('lifecycle');
    return this.shutdown.isShuttingDown ? check.down({ message: 'shutting down' }) : check.up();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
