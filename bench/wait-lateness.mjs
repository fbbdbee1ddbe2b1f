/**
 * `npm run bench:wait` — issue 23: how late duration waits end. Starts the built service on a
 * throw-away database, sends COUNT webhooks at RATE a second to a workflow trigger → wait WAIT_MS →
 * noOp, and prints, once all have completed, created → completed minus the wait (what a user sees)
 * and the wake-up alone (the wait node's end minus its start and the wait): p50, p99, max. Then the
 * same with APP_ROLE=api + worker on Redis (logical database 13, prefix of its own). About 30 s.
 *
 *   npm run bench:wait [-- --count=300 --rate=100 --wait-ms=1000 --no-queue-mode]
 */
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildIfStale } from './lib/build.mjs';
import { killAllChildrenNow, stopAllChildren } from './lib/children.mjs';
import { BenchDb, createDatabase, databaseUrl, dropDatabase } from './lib/database.mjs';
import { removeSnapshot, snapshotDist } from './lib/dist-snapshot.mjs';
import { secrets, startService, stopService } from './lib/targets.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')));
const COUNT = Number(args.count ?? 300);
const RATE = Number(args.rate ?? 100);
const WAIT_MS = Number(args['wait-ms'] ?? 1000);
const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = (() => {
  const url = new URL(process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  if (!process.env.BENCH_REDIS_URL) url.pathname = '/13';
  return url.toString();
})();

async function call(baseUrl, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${secrets.adminApiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function createWaitHook(baseUrl) {
  const workflow = await call(baseUrl, 'POST', '/workflows', {
    name: `bench: wait ${WAIT_MS} ms`,
    active: true,
    nodes: [
      { id: 'n1', name: 'Start', type: 'trigger', parameters: {} },
      { id: 'n2', name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: WAIT_MS } },
      { id: 'n3', name: 'After', type: 'noOp', parameters: {} },
    ],
    connections: { Start: { main: [[{ node: 'Pause', type: 'main', index: 0 }]] }, Pause: { main: [[{ node: 'After', type: 'main', index: 0 }]] } },
  });
  const hook = await call(baseUrl, 'POST', '/webhooks', { workflowId: workflow.id, method: 'POST' });
  return { workflowId: workflow.id, path: `/webhook/handler/${hook.id}` };
}

/** COUNT webhooks at RATE a second, in groups of ten. */
async function send(url) {
  const sends = [];
  const started = Date.now();
  for (let i = 0; i < COUNT; i++) {
    sends.push(fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(async (response) => (await response.arrayBuffer(), response.status)));
    if (i % 10 === 9) await sleep(Math.max(0, started + ((i + 1) * 1000) / RATE - Date.now()));
  }
  const statuses = await Promise.all(sends);
  const refused = statuses.filter((status) => status !== 202).length;
  if (refused) throw new Error(`${refused} webhooks were not accepted`);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const figures = (values) => {
  const sorted = values.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
};

async function measure(db, workflowId) {
  const limitMs = 60_000 + WAIT_MS;
  const deadline = Date.now() + limitMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT status, "createdAt", "completedAt", (SELECT r FROM jsonb_array_elements("nodeExecutions") r WHERE r->>'nodeName' = 'Pause') AS pause
         FROM workflow_executions WHERE "workflowId" = $1`,
      [workflowId],
    );
    const done = rows.filter((row) => row.completedAt);
    if (done.length === COUNT) {
      const failed = done.filter((row) => row.status !== 'COMPLETED').length;
      if (failed) throw new Error(`${failed} executions did not complete`);
      return {
        total: figures(done.map((row) => row.completedAt - row.createdAt - WAIT_MS)),
        wake: figures(done.map((row) => Date.parse(row.pause.completedAt) - Date.parse(row.pause.startedAt) - WAIT_MS)),
      };
    }
    if (Date.now() > deadline) throw new Error(`${done.length} of ${COUNT} executions ended within ${limitMs / 1000} s`);
    await sleep(250);
  }
}

async function run(label, db, api) {
  const { workflowId, path } = await createWaitHook(api.baseUrl);
  await send(api.baseUrl + path);
  const result = await measure(db, workflowId);
  console.log(`${label.padEnd(20)} created→completed − wait: p50 ${result.total.p50} ms, p99 ${result.total.p99} ms, max ${result.total.max} ms | wake-up alone: p50 ${result.wake.p50}, p99 ${result.wake.p99}, max ${result.wake.max} ms`);
  return result;
}

async function clearKeys(prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function main() {
  if (!args['no-build']) buildIfStale(root);
  const dist = await snapshotDist(root);
  const name = `wfe_bench_wait_${process.pid}`;
  const url = databaseUrl(adminUrl, name);
  const prefix = `wfe_bench_wait_${process.pid}`;
  const services = [];
  await createDatabase(adminUrl, name);
  const db = new BenchDb(url, name);
  console.log(`${COUNT} waits of ${WAIT_MS} ms at ${RATE} webhooks/s; load average ${loadavg()[0].toFixed(1)}`);
  try {
    const common = { databaseUrl: url, poolSize: 10, logLevel: 'warn' };
    const single = await startService(dist, common);
    services.push(single);
    await run('single server', db, single);
    await stopService(services.pop());
    if (!args['no-queue-mode']) {
      const queued = { ...common, redisUrl, redisPrefix: prefix };
      const api = await startService(dist, { ...queued, name: 'api', role: 'api' });
      services.push(api);
      services.push(await startService(dist, { ...queued, name: 'worker', role: 'worker' }));
      await run('api + worker', db, api);
    }
  } finally {
    for (const handle of services.reverse()) await stopService(handle).catch(() => undefined);
    await stopAllChildren();
    await db.end().catch(() => undefined);
    await dropDatabase(adminUrl, name).catch((error) => console.error(`could not drop ${name}: ${error.message}`));
    if (!args['no-queue-mode']) await clearKeys(prefix).catch((error) => console.error(`could not delete ${prefix}:* in Redis: ${error.message}`));
    removeSnapshot(dist);
    console.log(`load average at the end ${loadavg()[0].toFixed(1)}`);
  }
}

process.on('exit', killAllChildrenNow);
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
