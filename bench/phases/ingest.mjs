import { post } from '../lib/load.mjs';

/**
 * Webhook ingest (bench/README.md, first figure): `onReceived` 2xx per second at 50 connections against
 * the service and, with the same settings, against the bare-insert baseline. The baseline runs
 * first, once the service's backlog from earlier phases has drained (leftover work must not slow
 * it); the service's backlog from its own run is drained (and timed) before the next phase.
 * `serviceUrl`: the webhook of the workflow measured (pure or effect; single server or the api role).
 */
export async function ingestPhase(ctx, serviceUrl, rss = ctx.rss) {
  const { options, db } = ctx;
  const baselineUrl = ctx.baseline.baseUrl + '/';
  await db.waitForDrain(options.drainCapSeconds * 1000);
  // Warm-up: JIT, connection pools, Postgres caches, for both alike.
  await post(baselineUrl, { connections: options.connections, amount: options.warmupRequests });
  await post(serviceUrl, { connections: options.connections, amount: options.warmupRequests });
  await db.waitForDrain(options.drainCapSeconds * 1000);
  const baseline = await post(baselineUrl, { connections: options.connections, duration: options.ingestSeconds });
  rss?.mark('ingest');
  const service = await post(serviceUrl, { connections: options.connections, duration: options.ingestSeconds });
  const backlogAtEnd = await db.backlog();
  const drain = await db.waitForDrain(options.drainCapSeconds * 1000);
  rss?.close('ingest');
  return {
    baseline,
    service,
    ratio: service.okPerSecond / baseline.okPerSecond,
    backlogAtEnd,
    drain,
    rssPeak: rss?.peak('ingest'),
  };
}
