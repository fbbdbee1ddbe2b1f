import 'reflect-metadata';
import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { nulInUrl, urlHasNul } from './common/nul-bytes.js';
import { SWAGGER_UI_CSP, WEBHOOK_ANSWER_HEADERS } from './common/security-headers.js';
import { adminJsonBody } from './common/admin-json-body.js';
import type { AppConfig } from './config/app-config.js';
import { AppModule } from './app.module.js';
import { MetricsService } from './metrics/metrics.service.js';
import { NodeRegistry } from './nodes/node-registry.js';
import { addNodeSchemas } from './nodes/node-openapi.js';
import { requestLogger } from './logging/logger-options.js';
import { startTracing } from './tracing/tracing.js';
import { countWebhookAnswers } from './metrics/webhook-metrics.middleware.js';
import { createWebhookFastPath } from './webhooks/ingest/webhook-fast-path.js';
import { WebhookIngestService } from './webhooks/ingest/webhook-ingest.service.js';

/**
 * Everything that is not a webhook answer, Swagger UI or the execution view (which set their own):
 * JSON, text and errors, which never need to load or run anything, nor to be framed.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/**
 * Builds the configured application without listening: main.ts and the tests share it, so what is
 * tested is what runs.
 */
export async function createApp(config: AppConfig, options: { logDestination?: DestinationStream } = {}): Promise<INestApplication> {
  // Before anything logs or serves: the log lines' trace ids and every span need it (docs/observability.md).
  await startTracing(config.tracing);
  const app = await NestFactory.create(AppModule.forRoot(config, options.logDestination), {
    bodyParser: false,
    logger: config.logLevel === 'silent' ? false : undefined,
    // Start-up lines wait for pino, so that every line is JSON (docs/observability.md).
    bufferLogs: config.logLevel !== 'silent',
    abortOnError: false,
  });
  // Every `new Logger('X')` of Nest writes through pino from here on.
  if (config.logLevel !== 'silent') app.useLogger(app.get(Logger));
  const server = app.getHttpAdapter().getInstance() as express.Express;
  server.disable('x-powered-by');
  server.set('trust proxy', false);
  // First, so that requests a body parser refuses are logged and answered with an id too.
  app.use(requestLogger(PinoLogger.root));
  const securityHeaders = helmet({ contentSecurityPolicy: false });
  app.use(securityHeaders);
  app.use(contentSecurityPolicy);
  // Before any body parser or route: PostgreSQL cannot store a NUL, so it is a 400 here, not a 500 later.
  app.use((request: Request, _response: Response, next: NextFunction) => next(urlHasNul(request.url) ? nulInUrl() : undefined));
  serveWebhooksAheadOfExpress(app, config, server, securityHeaders);
  app.use(countWebhookAnswers(app.get(MetricsService)));
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins });
  // Webhooks keep their raw bytes: signatures are over them (docs/webhooks.md) and the body is parsed by
  // its real content type later (docs/webhooks.md).
  const raw = express.raw({ limit: config.webhookMaxBodyBytes, type: () => true });
  const adminJson = adminJsonBody();
  app.use((request: Request, response: Response, next: NextFunction) => (isWebhookPath(request.path) ? raw(request, response, next) : adminJson(request, response, next)));
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false }));
  if (config.swaggerEnabled) setUpSwagger(app);
  return app;
}

/** Express matches routes case-insensitively: `/WEBHOOK/handler/:id` is a webhook too. */
function isWebhookPath(path: string): boolean {
  return path.slice(0, 9).toLowerCase() === '/webhook/';
}

/**
 * docs/security.md: webhook answers are content chosen by workflows, sandboxed (WEBHOOK_ANSWER_HEADERS);
 * Swagger UI gets a policy that lets only its own files run; the execution view sets its own
 * (EXECUTION_VIEW_CSP); everything else may load nothing at all.
 */
function contentSecurityPolicy(request: Request, response: Response, next: NextFunction): void {
  const path = request.path;
  if (isWebhookPath(path)) for (const [name, value] of Object.entries(WEBHOOK_ANSWER_HEADERS)) response.setHeader(name, value);
  else response.setHeader('Content-Security-Policy', path === '/docs' || path.startsWith('/docs/') ? SWAGGER_UI_CSP : API_CSP);
  next();
}

/**
 * Webhook requests go to the fast path first (webhook-fast-path.ts), everything else and whatever
 * it declines to Express. Not in a worker (it serves no webhooks) nor with CORS configured (its
 * preflights and headers are Express middleware's).
 */
function serveWebhooksAheadOfExpress(app: INestApplication, config: AppConfig, expressApp: express.Express, securityHeaders: ReturnType<typeof helmet>): void {
  if (config.appRole === 'worker' || config.corsOrigins.length) return;
  const fastPath = createWebhookFastPath({
    ingest: app.get(WebhookIngestService),
    metrics: app.get(MetricsService),
    logger: PinoLogger.root,
    maxBodyBytes: config.webhookMaxBodyBytes,
    staticHeaders: { ...headersSetBy(securityHeaders), ...WEBHOOK_ANSWER_HEADERS },
  });
  const httpServer = app.getHttpServer() as Server;
  httpServer.removeAllListeners('request');
  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!fastPath(request, response)) expressApp(request, response);
  });
}

/** The headers a middleware sets on every response (helmet's are the same for every request). */
function headersSetBy(middleware: ReturnType<typeof helmet>): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  middleware({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Workflow Executor')
      .setDescription(
        'Runs workflows when webhooks arrive. Every admin route needs `Authorization: Bearer <api key>`: press **Authorize** and paste your key.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (ADMIN_API_KEY or one created through POST /users/:id/api-keys)' })
      .build(),
  );
  // One schema per registered node type, from the same descriptions that validate workflows.
  addNodeSchemas(document, app.get(NodeRegistry).all());
  // The key is not kept across reloads (no localStorage copy for a script on this origin to read):
  // pressing Authorize again after a reload is the price (docs/security.md).
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: false } });
}
