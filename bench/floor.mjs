/**
 * `npm run bench:floor -- [seconds]`: how far the service is from the floor (floor-server.mjs, the
 * least a durable runner with the same row writes and queue hops can do), both against the
 * bare-insert baseline of the same run. For each of the four rows of the bench's targets (pure and
 * effect workflow, single server and api + worker on Redis) it loads the baseline, the floor and the
 * service in turn with 50 connections for `seconds` (default 20), lets each drain its backlog, and
 * prints ingest and end-to-end rates, their ratios to that row's baseline, and the CPU per execution
 * of every process over load and drain. bench/README.md, "How far the targets are from what the
 * machine allows", says what it showed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildIfStale } from './lib/build.mjs';
import { createDatabase, databaseUrl, dropDatabase } from './lib/database.mjs';
import { post } from './lib/load.mjs';
import { effectWorkflow, setUpWorkflow } from './lib/service-api.mjs';
import { SERVICE_NODE_FLAGS, secrets, serviceEnv, startBaseline, startJsonServer, startService, stopService } from './lib/targets.mjs';
import { freePort, startChild, stopAllChildren, stopChild, waitForHttp } from './lib/children.mjs';
import { clearQueueKeys } from './phases/queue-mode.mjs';
import { readOptions } from './lib/options.mjs';
import { CpuUsage } from './lib/cpu-usage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 20);
/** `--rows=pure-single,effect-queue`: only those rows. */
const rowsArg = process.argv.find((arg) => arg.startsWith('--rows='))?.slice('--rows='.length).split(',');
/** `--skip-service`: the baseline and the floor alone. */
const skipService = process.argv.includes('--skip-service');
if (!(seconds > 0)) {
  console.error('usage: npm run bench:floor -- [seconds] [--rows=pure-single,effect-single,pure-queue,effect-queue] [--skip-service]');
  process.exit(2);
}
const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `wfe_floor_${process.pid}`;
const url = databaseUrl(adminUrl, name);
const redisUrl = readOptions([]).redisUrl;
const prefix = `wfe_floor_${process.pid}`;
const POOL = 10;

buildIfStale(root);
await createDatabase(adminUrl, name);
const db = new pg.Pool({ connectionString: url, max: 2 });
db.on('error', () => undefined);
const lines = [];
try {
  const jsonServer = await startJsonServer(root);
  serviceEnv.HTTP_ALLOWED_HOSTS = jsonServer.hostPort;
  const baseline = await startBaseline(root, { databaseUrl: url, poolSize: POOL });
  for (const row of [
    { workflow: 'pure', queue: false },
    { workflow: 'effect', queue: false },
    { workflow: 'pure', queue: true },
    { workflow: 'effect', queue: true },
  ]) {
    if (rowsArg && !rowsArg.includes(`${row.workflow}-${row.queue ? 'queue' : 'single'}`)) continue;
    const label = `${row.workflow}, ${row.queue ? 'api + worker' : 'single'}`;
    const effectUrl = row.workflow === 'effect' ? `${jsonServer.baseUrl}/notify` : undefined;
    const others = effectUrl ? { json: jsonServer.pid } : {};
    const base = await measure(`${baseline.baseUrl}/`, [baseline.pid], others, async () => 0);
    report(label, 'baseline', base, base);
    const floor = await startFloor(row.queue, effectUrl);
    try {
      report(label, 'floor', await measure(floor.url, floor.pids, others, unfinishedFloor), base);
    } finally {
      for (const handle of floor.handles) await stopChild(handle);
    }
    if (skipService) continue;
    const service = await startProduct(row.queue, effectUrl ? effectWorkflow(effectUrl) : undefined);
    try {
      report(label, 'service', await measure(service.url, service.pids, others, unfinishedService), base);
    } finally {
      for (const handle of service.handles) await stopService(handle);
    }
  }
} finally {
  await stopAllChildren();
  await db.end();
  await clearQueueKeys(redisUrl, prefix).catch(() => undefined);
  await dropDatabase(adminUrl, name);
}
console.log(`\n${lines.join('\n')}`);

async function startFloor(queue, effectUrl) {
  const env = { ...process.env, DATABASE_URL: url, DB_POOL_SIZE: String(POOL), REDIS_URL: redisUrl, QUEUE_KEY: `${prefix}:floor`, ...(effectUrl ? { EFFECT_URL: effectUrl } : {}) };
  const script = join(root, 'bench', 'floor-server.mjs');
  const port = await freePort();
  const front = startChild(queue ? 'floor api' : 'floor', [...SERVICE_NODE_FLAGS, script], { ...env, ROLE: queue ? 'api' : 'single', PORT: String(port) });
  const handles = [front];
  // The worker after the api is up: the api creates the table, and two processes creating it at
  // once can fail.
  await waitForHttp(front, `http://127.0.0.1:${port}/health`);
  if (queue) handles.push(startChild('floor worker', [...SERVICE_NODE_FLAGS, script], { ...env, ROLE: 'worker' }));
  return { url: `http://127.0.0.1:${port}/`, pids: handles.map((handle) => handle.pid), handles };
}

async function startProduct(queue, definition) {
  const options = { databaseUrl: url, poolSize: POOL, logLevel: 'warn', ...(queue ? { redisUrl, redisPrefix: prefix } : {}) };
  const front = await startService(join(root, 'dist'), { ...options, ...(queue ? { role: 'api', name: 'api' } : {}) });
  const handles = [front];
  if (queue) handles.push(await startService(join(root, 'dist'), { ...options, role: 'worker', name: 'worker' }));
  const paths = await setUpWorkflow(front.baseUrl, secrets.adminApiKey, definition);
  return { url: front.baseUrl + paths.onReceivedPath, pids: handles.map((handle) => handle.pid), handles };
}

async function unfinishedFloor() {
  return (await db.query(`SELECT count(*)::int AS n FROM floor_executions WHERE status <> 'COMPLETED'`)).rows[0].n;
}

async function unfinishedService() {
  return (await db.query(`SELECT count(*)::int AS n FROM workflow_executions WHERE status IN ('PENDING', 'RUNNING')`)).rows[0].n;
}

/** A warm-up, then `seconds` of load, then the drain of what is left; rates and CPU per execution. */
async function measure(target, pids, others, unfinished) {
  await post(target, { connections: 50, amount: 2000 });
  await drained(unfinished, 100);
  const cpu = new CpuUsage(pids, { database: name, others });
  cpu.start();
  const started = performance.now();
  const load = await post(target, { connections: 50, duration: seconds });
  await drained(unfinished, 50);
  const wall = (performance.now() - started) / 1000;
  const usage = cpu.stop();
  if (load.non2xx || load.errors) throw new Error(`${target}: ${load.non2xx} non-2xx, ${load.errors} errors`);
  const per = (cpuSeconds) => Math.round((cpuSeconds * 1e6) / load.ok);
  return { ingest: load.okPerSecond, endToEnd: load.ok / wall, cpu: { processes: per(usage.target), postgres: per(usage.postgres), load: per(usage.load), json: usage.json === undefined ? 0 : per(usage.json) } };
}

/** Until nothing is left to run; a target that stopped running (a process died) fails the bench after 2 minutes. */
async function drained(unfinished, pollMs) {
  const deadline = Date.now() + 120_000;
  for (let left = await unfinished(); left > 0; left = await unfinished()) {
    if (Date.now() > deadline) throw new Error(`${left} executions still unfinished after 2 minutes`);
    await sleep(pollMs);
  }
}

function report(label, target, figures, base) {
  const { cpu } = figures;
  const total = cpu.processes + cpu.postgres + cpu.load + cpu.json;
  const line =
    `${label.padEnd(20)} ${target.padEnd(9)} ingest ${figures.ingest.toFixed(0).padStart(5)}/s ${(figures.ingest / base.ingest).toFixed(2)}×` +
    `  end to end ${figures.endToEnd.toFixed(0).padStart(5)}/s ${(figures.endToEnd / base.ingest).toFixed(2)}×` +
    `  CPU µs per execution: processes ${cpu.processes}, postgres ${cpu.postgres}, load ${cpu.load}${cpu.json ? `, json ${cpu.json}` : ''}, all ${total}`;
  lines.push(line);
  console.log(line);
}
