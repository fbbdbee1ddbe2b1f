/**
 * `npm run bench:profile -- [onReceived|lastNode|drain|baseline|idle] [seconds] [--no-prof]`: starts the
 * built service under `node --cpu-prof`, loads one webhook with autocannon (50 connections, as the
 * bench does) or lets it run a backlog (drain: the engine alone), and prints where the service's
 * CPU time went, by function and by package. The `.cpuprofile` is kept in bench/results/profiles/
 * for a flame graph (Chrome DevTools and speedscope open it). Load runs also print the CPU each
 * request cost the service, PostgreSQL and the load generator (from /proc); `baseline` measures
 * the bare-insert baseline the same way, and `--no-prof` leaves the profiler out of those figures.
 * `idle` measures the service at rest, with one workflow and its webhooks: the CPU and PostgreSQL
 * transactions per second of its background loops (sweep, schedule firer, error-workflow relay),
 * which every load figure per request includes too.
 * `--effect`: the effect workflow (trigger → httpRequest to bench/json-server.mjs → set) instead of
 * the pure one; `--queue`: APP_ROLE=api + worker on Redis (logical database 13, a prefix of its
 * own), both profiled, and the CPU per request counts both.
 * `--rate=N`: load at N requests per second (over the 50 connections) instead of as fast as the
 * service answers; CPU per request at a fixed rate is what to compare between two builds on a
 * machine other work shares, where the top rate (and with it the batch sizes) moves with the noise.
 * PostgreSQL's CPU is its backends' for the profiled database only, so that other databases'
 * work on the same server stays out of it; with `--effect`, the JSON server's CPU is shown too.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildIfStale } from './lib/build.mjs';
import { createDatabase, databaseUrl, dropDatabase } from './lib/database.mjs';
import { post } from './lib/load.mjs';
import { effectWorkflow, setUpWorkflow } from './lib/service-api.mjs';
import { secrets, serviceEnv, startBaseline, startJsonServer, startService, stopService } from './lib/targets.mjs';
import { stopAllChildren } from './lib/children.mjs';
import { clearQueueKeys } from './phases/queue-mode.mjs';
import { readOptions } from './lib/options.mjs';
import { CpuUsage, cpuSecondsOf, describeCpu } from './lib/cpu-usage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FLAGS = ['--no-prof', '--effect', '--queue'];
const rateArg = process.argv.find((arg) => arg.startsWith('--rate='));
const rate = rateArg ? Number(rateArg.slice('--rate='.length)) : undefined;
const args = process.argv.slice(2).filter((arg) => !FLAGS.includes(arg) && arg !== rateArg);
const profiled = !process.argv.includes('--no-prof');
const effect = process.argv.includes('--effect');
const queue = process.argv.includes('--queue');
const mode = args[0] ?? 'onReceived';
const seconds = Number(args[1] ?? 10);
if (!['onReceived', 'lastNode', 'drain', 'baseline', 'idle'].includes(mode) || !(seconds > 0) || (rateArg && !(rate > 0))) {
  console.error('usage: npm run bench:profile -- [onReceived|lastNode|drain|baseline|idle] [seconds, or thousands of executions for drain] [--no-prof] [--effect] [--queue] [--rate=N]');
  process.exit(2);
}
const adminUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `wfe_profile_${process.pid}`;
const outDir = join(root, 'bench', 'results', 'profiles');
mkdirSync(outDir, { recursive: true });

buildIfStale(root);
await createDatabase(adminUrl, name);
let service;
/** The worker of --queue (`service` is then the api). */
let worker;
const redisUrl = readOptions([]).redisUrl;
const redisPrefix = `wfe_profile_${process.pid}`;
const before = new Set(readdirSync(outDir));
/** Commits in the profiled database so far (pg_stat_database), to relate load to statements. */
async function transactions() {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // The statistics collector publishes at most every 500 ms by default.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = $1', [name]);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}
let workflowDefinition;
/** The effect workflow's JSON server (--effect), whose CPU per request is shown with the rest. */
let jsonServer;
const serviceOptions = { databaseUrl: databaseUrl(adminUrl, name), poolSize: 10, logLevel: 'warn' };
const profiling = profiled && mode !== 'baseline' ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${outDir}`] } : {};
try {
  if (effect) {
    jsonServer = await startJsonServer(root);
    serviceEnv.HTTP_ALLOWED_HOSTS = jsonServer.hostPort;
    workflowDefinition = effectWorkflow(`${jsonServer.baseUrl}/notify`);
  }
  if (mode === 'drain') await profileDrain();
  else if (mode === 'baseline') await measureBaseline();
  else if (mode === 'idle') await measureIdle();
  else await profileLoad();
} finally {
  await stopService(service);
  await stopService(worker);
  await stopAllChildren();
  if (queue) await clearQueueKeys(redisUrl, redisPrefix).catch(() => undefined);
  await dropDatabase(adminUrl, name);
}

/** A webhook under load: ingest, and the engine running what arrives (in the worker with --queue). */
async function profileLoad() {
  const queued = { redisUrl, redisPrefix };
  service = await startService(join(root, 'dist'), { ...serviceOptions, ...profiling, ...(queue ? { ...queued, role: 'api', name: 'api' } : {}) });
  if (queue) worker = await startService(join(root, 'dist'), { ...serviceOptions, ...profiling, ...queued, role: 'worker', name: 'worker' });
  const paths = await setUpWorkflow(service.baseUrl, secrets.adminApiKey, workflowDefinition);
  const url = service.baseUrl + (mode === 'lastNode' ? paths.lastNodePath : paths.onReceivedPath);
  await measureLoad(url, queue ? [service.pid, worker.pid] : service.pid, queue ? 'api + worker' : 'service');
}

/** The service at rest: what its background loops cost, per second. */
async function measureIdle() {
  service = await startService(join(root, 'dist'), { ...serviceOptions, ...profiling });
  await setUpWorkflow(service.baseUrl, secrets.adminApiKey);
  // Start-up work (migrations, the first sweep) is over by then.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const committedBefore = await transactions();
  const cpu = new CpuUsage(service.pid);
  cpu.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const usage = cpu.stop();
  const committed = (await transactions()) - committedBefore;
  console.log(`idle: service ${((usage.target * 1000) / usage.wall).toFixed(1)} ms CPU per second, ${(committed / usage.wall).toFixed(1)} PostgreSQL transactions per second (${usage.wall.toFixed(0)} s)`);
}

/** The bare-insert baseline under the same load, for its CPU split. */
async function measureBaseline() {
  service = await startBaseline(root, { databaseUrl: serviceOptions.databaseUrl, poolSize: serviceOptions.poolSize });
  await measureLoad(`${service.baseUrl}/`, service.pid, 'baseline');
}

async function measureLoad(url, pid, targetName) {
  await post(url, { connections: 50, amount: 2000 });
  const committedBefore = await transactions();
  const cpu = new CpuUsage(pid, { database: name, others: jsonServer ? { 'json server': jsonServer.pid } : {} });
  cpu.start();
  const result = await post(url, { connections: 50, duration: seconds, rate });
  const usage = cpu.stop();
  const committed = (await transactions()) - committedBefore;
  console.log(`${mode}: ${result.okPerSecond.toFixed(0)} 2xx/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}; ${(committed / result.ok).toFixed(2)} transactions per request`);
  console.log(describeCpu(usage, result.ok, targetName));
}

/**
 * The engine alone: a backlog of PENDING executions (copies of a real one) is committed while the
 * service is down, then a profiled service started on it runs them all (its start-up sweep and
 * the ones after find them), with no HTTP load at all.
 */
async function profileDrain() {
  service = await startService(join(root, 'dist'), serviceOptions);
  const paths = await setUpWorkflow(service.baseUrl, secrets.adminApiKey, workflowDefinition);
  await stopService(service);
  const client = new pg.Client({ connectionString: serviceOptions.databaseUrl });
  await client.connect();
  const count = seconds * 1000;
  try {
    await client.query(
      `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "nodeExecutions", "createdAt")
       SELECT gen_random_uuid(), e."workflowId", e."workflowVersion", e."webhookId", e."userId", e.mode, 'PENDING', e."triggerData", '[]', now()
         FROM workflow_executions e, generate_series(1, $1) WHERE e."webhookId" = $2 LIMIT $1`,
      [count, paths.onReceivedPath.split('/').pop()],
    );
    const started = Date.now();
    service = await startService(join(root, 'dist'), { ...serviceOptions, ...profiling, extraEnv: { EXECUTION_SWEEP_INTERVAL_MS: '100' } });
    // The service's CPU from the first execution ended (start-up over) to the last.
    let cpuFrom;
    for (;;) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM workflow_executions WHERE status IN ('PENDING', 'RUNNING')`);
      if (rows[0].n < count && !cpuFrom) cpuFrom = { seconds: cpuSecondsOf([service.pid]), left: rows[0].n };
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (cpuFrom?.left > 0) console.log(`drain: service ${(((cpuSecondsOf([service.pid]) - cpuFrom.seconds) * 1e6) / cpuFrom.left).toFixed(0)} µs CPU per execution over the last ${cpuFrom.left}`);
    const ms = Date.now() - started;
    const { rows } = await client.query(`SELECT count(*)::int AS n, extract(epoch FROM max("completedAt") - min("startedAt")) * 1000 AS ms FROM workflow_executions WHERE status = 'COMPLETED' AND "startedAt" >= $1`, [new Date(started)]);
    console.log(`drain: ${rows[0].n} executions COMPLETED in ${(rows[0].ms / 1000).toFixed(1)} s from the first start to the last end: ${((rows[0].n * 1000) / rows[0].ms).toFixed(0)}/s (${(ms / 1000).toFixed(1)} s with the service's start-up)`);
  } finally {
    await client.end();
  }
}

if (!profiled || mode === 'baseline') process.exit(0);
const files = readdirSync(outDir).filter((entry) => entry.endsWith('.cpuprofile') && !before.has(entry));
if (!files.length) throw new Error('the service wrote no profile');
for (const file of files) {
  // With --queue, one profile per process; the api's is the one without the engine's run loop.
  console.log(`\n=== ${file}`);
  summarise(JSON.parse(readFileSync(join(outDir, file), 'utf8')));
  console.log(`\nprofile: bench/results/profiles/${file}`);
}

/**
 * Self time by function and by package (node_modules/<name>, node internals, our code), as shares
 * of the busy (not idle) time from the first sample inside a webhook's ingest or an execution's run
 * on: the start-up (module loading, migrations) is left out.
 */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const isWork = ({ functionName, url }) => url.includes('/dist/src/') && (functionName === 'ingest' || functionName === 'runClaimed');
  const working = new Map();
  const inWork = (id) => {
    if (!working.has(id)) working.set(id, isWork(byId.get(id).callFrame) || (parentOf.has(id) && inWork(parentOf.get(id))));
    return working.get(id);
  };
  const first = profile.samples.findIndex((id) => inWork(id));
  const self = new Map();
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, index) => index >= Math.max(first, 0) && self.set(id, (self.get(id) ?? 0) + (deltas[index] ?? 0)));
  const functions = new Map();
  const packages = new Map();
  let idle = 0;
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const key = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const group = packageOf(functionName, url);
    packages.set(group, (packages.get(group) ?? 0) + micros);
  }
  const busy = [...functions.values()].reduce((sum, value) => sum + value, 0);
  const top = (map, count) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, micros]) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${key}`)
      .join('\n');
  console.log(`\nfrom the first ingest or run on: ${(busy / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; shares of the busy time`);
  console.log(`\nself time by package:\n${top(packages, 20)}`);
  console.log(`\nself time by function:\n${top(functions, 30)}`);
}

function shortUrl(url) {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url;
}

function packageOf(functionName, url) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist/src/')) return `ours: ${url.split('/dist/src/')[1].split('/')[0]}`;
  return url;
}
