import { post } from '../lib/load.mjs';

/**
 * Webhook ingest (bench/README.md, first figure): `onReceived` 2xx per second at 50 connections against
 * the service and, with the same settings, against the bare-insert baseline. The baseline runs
 * first, while the service is idle; the service's backlog from its run is drained (and timed)
 * before the next phase so it does not steal CPU from it.
 */
export async function ingestPhase(ctx) {
  const { options, db, rss } = ctx;
  const serviceUrl = ctx.service.baseUrl + ctx.paths.onReceivedPath;
  const baselineUrl = ctx.baseline.baseUrl + '/';

  // Warm-up: JIT, connection pools, Postgres caches, for both alike.
  await post(baselineUrl, { connections: options.connections, amount: options.warmupRequests });
  await post(serviceUrl, { connections: options.connections, amount: options.warmupRequests });
  await db.waitForDrain(options.drainCapSeconds * 1000);

  const baseline = await post(baselineUrl, { connections: options.connections, duration: options.ingestSeconds });

  rss.mark('ingest');
  const service = await post(serviceUrl, { connections: options.connections, duration: options.ingestSeconds });
  const backlogAtEnd = await db.backlog();
  const drain = await db.waitForDrain(options.drainCapSeconds * 1000);
  rss.close('ingest');

  return {
    baseline,
    service,
    ratio: service.okPerSecond / baseline.okPerSecond,
    backlogAtEnd,
    drain,
    rssPeak: rss.peak('ingest'),
  };
}
