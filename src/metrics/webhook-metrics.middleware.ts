import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/**
 * Counts every answer on /webhook/ routes by status code, 4xx and 5xx included (a body too large
 * is answered by the body parser before any Nest handler runs, so this sits in front of it).
 */
export function countWebhookAnswers(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.url.startsWith('/webhook/')) response.once('finish', () => metrics.webhookAnswered(response.statusCode));
    next();
  };
}
