import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiRoute } from '../common/api-docs.js';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth.decorators.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | undefined;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expected = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  }

  @Get()
  @ApiProduces('text/plain')
  @ApiRoute({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Executions started and finished, execution and node durations, webhook answers by status code, queue depth, PENDING backlog and its oldest age, process metrics. Public unless METRICS_TOKEN is set; then send `Authorization: Bearer <METRICS_TOKEN>`.',
    public: true,
    errors: [401],
  })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (this.expected && !this.authorized(authorization)) {
      throw new AppError('unauthorized', 'This endpoint needs Authorization: Bearer <METRICS_TOKEN>', { 'WWW-Authenticate': 'Bearer' });
    }
    const body = await this.metrics.render();
    response.status(200).type(this.metrics.contentType).send(body);
  }

  /** Compares digests, so neither the token's content nor its length leaks through timing. */
  private authorized(header: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.expected!);
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
