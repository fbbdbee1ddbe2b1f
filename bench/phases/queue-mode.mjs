import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RssSampler } from '../lib/children.mjs';
import { startService, stopService } from '../lib/targets.mjs';
import { endToEndPhase } from './end-to-end.mjs';
import { ingestPhase } from './ingest.mjs';
import { lastNodePhase } from './last-node.mjs';

function filesUnder(dir) {
  try {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.js') ? [path] : [];
    });
  } catch {
    return [];
  }
}

/**
 * Whether this build has a Redis queue (docs/scaling.md, roles `api` and `worker`). Without one,
 * `APP_ROLE=api` merely stops executing and `worker` picks work up from the 5-second database sweep,
 * which would measure the sweep, not the queue.
 */
export function queueModeSupport(root, dist) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (!pkg.dependencies?.bullmq) return { supported: false, reason: 'bullmq is not a dependency' };
  const usesQueue = filesUnder(join(dist, 'src')).some((path) => /from ['"]bullmq['"]|require\(['"]bullmq['"]\)/.test(readFileSync(path, 'utf8')));
  if (!usesQueue) return { supported: false, reason: 'no code in dist imports bullmq' };
  return { supported: true };
}

/**
 * Scaled out: one `api` and one `worker` process against the same database and Redis (the main
 * service is stopped by then). For each workflow (ctx.workflows: pure, effect) the same ingest
 * (with a baseline round of its own), end-to-end (full speed, then sustained) and lastNode figures
 * as the single process; CPU per execution counts both processes.
 */
export async function queueModePhase(ctx) {
  const { options } = ctx;
  // Its own key prefix too (REDIS_PREFIX), where the build supports one.
  const redisPrefix = `wfe_bench_${process.pid}`;
  await clearQueueKeys(options.redisUrl, redisPrefix).catch((error) => console.warn(`queue mode: could not clear the bench's Redis keys: ${error.message}`));
  const common = { databaseUrl: ctx.databaseUrl, poolSize: options.poolSize, logLevel: options.logLevel, redisUrl: options.redisUrl, redisPrefix };
  let api;
  let worker;
  try {
    api = await startService(ctx.dist, { ...common, name: 'api', role: 'api' });
    ctx.extraServices.add(api);
    worker = await startService(ctx.dist, { ...common, name: 'worker', role: 'worker' });
    ctx.extraServices.add(worker);
    const rssApi = new RssSampler(api.pid);
    const rssWorker = new RssSampler(worker.pid);
    rssApi.mark('load');
    rssWorker.mark('load');
    const workflows = {};
    for (const [name, paths] of Object.entries(ctx.workflows)) {
      const url = api.baseUrl + paths.onReceivedPath;
      const ingest = await ingestPhase(ctx, url, null);
      const endToEnd = await endToEndPhase(ctx, url, ingest.baseline.okPerSecond, { rss: null, pids: [api.pid, worker.pid] });
      const lastNode = await lastNodePhase(ctx, api.baseUrl + paths.lastNodePath, null);
      workflows[name] = { ingest, endToEnd, lastNode };
      ctx.step?.(`queue mode, ${name}: ingest ${ingest.service.okPerSecond.toFixed(0)}/s (baseline ${ingest.baseline.okPerSecond.toFixed(0)}/s), e2e ${endToEnd.fullSpeed.completedPerSecond.toFixed(0)} COMPLETED/s`);
    }
    rssApi.stop();
    rssWorker.stop();
    return { redisUrl: options.redisUrl, workflows, rssPeak: { api: rssApi.peak('load'), worker: rssWorker.peak('load') }, warnings: { api: api.warningLines, worker: worker.warningLines } };
  } finally {
    for (const handle of [api, worker]) {
      await stopService(handle);
      ctx.extraServices.delete(handle);
    }
    await clearQueueKeys(options.redisUrl, redisPrefix).catch((error) => console.warn(`queue mode: could not delete the bench's Redis keys (${redisPrefix}:*): ${error.message}`));
  }
}

/**
 * Deletes the queue's keys in the bench's Redis database, so no job outlives its database: those
 * under the run's prefix, and BullMQ's default `bull:` ones of builds without REDIS_PREFIX.
 */
export async function clearQueueKeys(url, prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // the failed command says it
  try {
    await redis.connect();
    for (const pattern of [`${prefix}:*`, 'bull:*']) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
