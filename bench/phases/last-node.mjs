import { post } from '../lib/load.mjs';

/** Synchronous `lastNode` round trip (bench/README.md, third figure) at 50 concurrent callers. */
export async function lastNodePhase(ctx, url, rss = ctx.rss) {
  const { options, db } = ctx;
  await db.waitForDrain(options.drainCapSeconds * 1000);
  rss?.mark('lastNode');
  // The webhook waits up to its responseTimeoutMs (30 s) before answering 202: let it.
  const load = await post(url, { connections: options.connections, duration: options.lastNodeSeconds, timeoutSeconds: 35 });
  rss?.close('lastNode');
  return {
    load,
    answered200: load.statusCodes['200'] ?? 0,
    // 202 from a lastNode webhook means the execution did not finish within the response timeout.
    timedOut202: load.statusCodes['202'] ?? 0,
    rssPeak: rss?.peak('lastNode'),
  };
}
