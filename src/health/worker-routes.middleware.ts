import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** What a `worker` process serves over HTTP (docs/scaling.md): probes and metrics, nothing else. */
const WORKER_PATHS = /^\/(health(\/.*)?|metrics)\/?$/;

/**
 * Applied only when APP_ROLE=worker: every other path answers 404 as if the route did not exist,
 * so admin and webhook traffic sent to a worker by mistake is never served there.
 */
@Injectable()
export class WorkerRoutesMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    if (WORKER_PATHS.test(request.path)) return next();
    response.status(404).json({ statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${request.path}: this process runs APP_ROLE=worker and serves only /health and /metrics` });
  }
}
