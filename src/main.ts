import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { loadDotEnv } from './config/env-file.js';
import { createApp } from './app.factory.js';
import { ShutdownState } from './common/shutdown-state.js';
import { stopTracing } from './tracing/tracing.js';

async function main(): Promise<void> {
  let config: AppConfig;
  let dotEnv: string | undefined;
  try {
    // A .env in the working directory, as .env.example describes; the environment wins.
    dotEnv = loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const started = Date.now();
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  const logger = new Logger('Main');
  if (dotEnv) logger.log(`Read ${dotEnv} (variables set in the environment take precedence)`);
  logger.log(`Workflow Executor (${config.appRole}) listening on port ${config.port} after ${Date.now() - started} ms; Swagger UI: ${config.swaggerEnabled ? `${config.publicUrl}/docs` : 'disabled'}`);

  // A rejected promise nobody awaited (a connection dropped mid-call while the database or Redis
  // restarts) is logged; it must not take down a process whose work is fenced and recoverable.
  process.on('unhandledRejection', (reason) => logger.error(`Unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Readiness turns 503 first, then the server stops accepting and modules drain (docs/scaling.md).
    app.get(ShutdownState).begin();
    logger.log(`${signal} received: draining for up to ${config.shutdownGraceMs} ms`);
    const server = app.getHttpServer() as Server;
    server.close();
    server.closeIdleConnections();
    // The queue stops and hands back what still runs a little before this (drainDeadline).
    const hardStop = setTimeout(() => {
      logger.warn('Shutdown grace period exceeded; exiting');
      process.exit(0);
    }, config.shutdownGraceMs);
    hardStop.unref();
    try {
      await app.close();
    } catch (error) {
      logger.error(`Error during shutdown: ${(error as Error).message}`);
    }
    // The last spans are exported before the process ends.
    await stopTracing().catch(() => undefined);
    logger.log(`Stopped after ${signal}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: Error) => {
  process.stderr.write(`Failed to start: ${error.message}\n`);
  process.exit(1);
});
