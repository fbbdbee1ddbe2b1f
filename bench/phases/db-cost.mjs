import { setTimeout as sleep } from 'node:timers/promises';
import { post } from '../lib/load.mjs';
import { PAYLOAD } from '../lib/service-api.mjs';
import { RespCounter } from '../lib/resp-counter.mjs';
import { startService, stopService } from '../lib/targets.mjs';
import { WireCounter } from '../lib/wire-counter.mjs';

/** Longer than the 5 s recovery sweep and the 2 s trigger-stats flush, so both fall into it. */
const IDLE_WINDOW_MS = 6000;
/** Deferred writes of the service (trigger stats every 2 s). */
const SETTLE_MS = 2500;
/**
 * A Postgres 15 backend that flushed its statistics less than a second ago defers the next flush
 * until it has been idle for 10 s, so pg_stat_database is read only after that.
 */
const PG_STATS_FLUSH_MS = 11_000;

/**
 * Database (and, in queue mode, Redis) work per execution of each workflow (bench/README.md,
 * "db cost"). The service runs behind counting proxies: bench/lib/wire-counter.mjs for PostgreSQL,
 * bench/lib/resp-counter.mjs for Redis; the bench polls statuses on its own connection, which
 * the proxies do not see.
 * - `mode`: 'single' (one service) or 'queue' (APP_ROLE=api + worker, both counted);
 * - per workflow (ctx.workflows: pure, effect):
 *   - sequential: one request at a time; round trips from POST to 202 (ingest) and from 202 until
 *     the row reads COMPLETED (the run), medians over N — the cost with no batching to help;
 *   - burst: N requests at 50 connections, everything until drained, over N — the cost under
 *     load; on a full run cross-checked with pg_stat_database's transactions and
 *     pg_stat_user_tables' row writes (that needs 11 s of quiet per figure, so --quick skips it).
 * Background work (the recovery sweep, BullMQ's polling) is measured while idle and subtracted.
 */
export async function dbCostPhase(ctx, { mode = 'single' } = {}) {
  const { options, db } = ctx;
  const target = new URL(ctx.databaseUrl);
  const counter = new WireCounter(target.hostname, Number(target.port || 5432));
  await counter.start();
  const redisTarget = mode === 'queue' ? new URL(options.redisUrl) : undefined;
  const redisCounter = redisTarget ? new RespCounter(redisTarget.hostname, Number(redisTarget.port || 6379)) : undefined;
  await redisCounter?.start();
  const services = [];
  const redisPrefix = `wfe_bench_${process.pid}_cost`;
  try {
    const common = { databaseUrl: counter.wrap(ctx.databaseUrl), poolSize: options.poolSize, logLevel: options.logLevel };
    if (mode === 'queue') {
      const queue = { ...common, redisUrl: redisCounter.wrap(options.redisUrl), redisPrefix };
      services.push(await startService(ctx.dist, { ...queue, name: 'api (counted)', role: 'api' }));
      services.push(await startService(ctx.dist, { ...queue, name: 'worker (counted)', role: 'worker' }));
    } else {
      services.push(await startService(ctx.dist, { ...common, name: 'service (counted)' }));
    }
    for (const service of services) ctx.extraServices.add(service);
    const baseUrl = services[0].baseUrl;
    // Warm the pools and the workflow caches so connection set-up is not counted.
    for (const paths of Object.values(ctx.workflows)) await post(baseUrl + paths.onReceivedPath, { connections: options.connections, amount: 200 });
    await db.waitForDrain(options.drainCapSeconds * 1000);
    await sleep(SETTLE_MS);
    const idleStart = snapshot(counter, redisCounter);
    await sleep(options.quick ? IDLE_WINDOW_MS / 2 : IDLE_WINDOW_MS);
    const idle = delta(idleStart, snapshot(counter, redisCounter));
    const net = (d, count) => {
      const less = (key, value) => (value - (idle[key] / idle.ms) * d.ms) / count;
      return {
        roundTrips: less('roundTrips', d.roundTrips),
        statements: less('statements', d.statements),
        transactions: less('transactions', d.transactions),
        ...(redisCounter ? { redisCommands: less('redisCommands', d.redisCommands), redisWrites: less('redisWrites', d.redisWrites) } : {}),
      };
    };
    const workflows = {};
    for (const [name, paths] of Object.entries(ctx.workflows)) {
      const url = baseUrl + paths.onReceivedPath;
      const pgStats = !options.quick;
      if (pgStats) await sleep(PG_STATS_FLUSH_MS - SETTLE_MS);
      const statsBefore = pgStats ? await db.activity() : undefined;
      const burstStart = snapshot(counter, redisCounter);
      const load = await post(url, { connections: options.connections, amount: options.dbCostBurst });
      await db.waitForDrain(options.drainCapSeconds * 1000);
      await sleep(SETTLE_MS);
      const burstDelta = delta(burstStart, snapshot(counter, redisCounter));
      if (pgStats) await sleep(PG_STATS_FLUSH_MS - SETTLE_MS);
      const statsAfter = pgStats ? await db.activity() : undefined;
      const sequentialStart = snapshot(counter, redisCounter);
      const sequential = await runSequential(counter, db, url, options.dbCostSequential);
      await sleep(SETTLE_MS);
      const sequentialDelta = delta(sequentialStart, snapshot(counter, redisCounter));
      const sequentialTotal = net(sequentialDelta, options.dbCostSequential);
      const n = load.ok;
      const none = { ins: 0, upd: 0, del: 0 };
      workflows[name] = {
        sequential: {
          executions: options.dbCostSequential,
          ingestRoundTripsMedian: median(sequential.ingest),
          runRoundTripsMedian: median(sequential.run),
          runRoundTripsMax: Math.max(...sequential.run),
          ingestMsMedian: median(sequential.ingestMs),
          runMsMedian: median(sequential.runMs),
          perExecution: sequentialTotal,
          slowestObserved: sequential.timedOut,
          // Idle commands (the worker's blocking fetch, lock renewals) not taken off here.
          topRedisCommands: redisCounter ? top(sequentialDelta.byName, options.dbCostSequential, 8) : undefined,
        },
        burst: {
          executions: n,
          non2xx: load.non2xx,
          perExecution: net(burstDelta, n),
          // pg_stat_database counts every transaction of the database, the bench's own polls included.
          pgStatTransactionsPerExecution: pgStats ? (statsAfter.transactions - statsBefore.transactions - (statsAfter.ownQueries - statsBefore.ownQueries)) / n : undefined,
          executionRowWritesPerExecution: pgStats
            ? {
                inserts: ((statsAfter.rowWrites.workflow_executions ?? none).ins - (statsBefore.rowWrites.workflow_executions ?? none).ins) / n,
                updates: ((statsAfter.rowWrites.workflow_executions ?? none).upd - (statsBefore.rowWrites.workflow_executions ?? none).upd) / n,
              }
            : undefined,
          topStatements: top(burstDelta.byText, n, 12),
          topRedisCommands: redisCounter ? top(burstDelta.byName, n, 8) : undefined,
        },
      };
    }
    return {
      mode,
      idle: { seconds: idle.ms / 1000, roundTrips: idle.roundTrips, statements: idle.statements, redisCommands: idle.redisCommands },
      workflows,
      wireConnections: counter.totals.connections,
      opaqueConnections: counter.totals.opaqueConnections,
    };
  } finally {
    for (const service of services) {
      await stopService(service);
      ctx.extraServices.delete(service);
    }
    await counter.stop();
    await redisCounter?.stop();
    if (mode === 'queue') await ctx.clearQueueKeys?.(redisPrefix);
  }
}

function snapshot(counter, redisCounter) {
  return { pg: counter.snapshot(), redis: redisCounter?.snapshot() };
}

function delta(before, after) {
  const pg = WireCounter.delta(before.pg, after.pg);
  const redis = before.redis ? RespCounter.delta(before.redis, after.redis) : undefined;
  return { ...pg, redisCommands: redis?.commands ?? 0, redisWrites: redis?.writes ?? 0, byName: redis?.byName ?? new Map() };
}

function top(counts, n, limit) {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([text, count]) => ({ perExecution: round(count / n, 3), count, sql: text.length > 160 ? `${text.slice(0, 157)}...` : text }));
}

async function runSequential(counter, db, url, count) {
  const result = { ingest: [], run: [], ingestMs: [], runMs: [], timedOut: 0 };
  for (let i = 0; i < count; i++) {
    const before = counter.snapshot();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PAYLOAD });
    const { executionId } = await response.json();
    if (response.status !== 202) throw new Error(`sequential request answered ${response.status}`);
    const accepted = counter.snapshot();
    const deadline = Date.now() + 10_000;
    let status;
    while ((status = await db.executionStatus(executionId)) !== 'COMPLETED' && Date.now() < deadline) await sleep(1);
    if (status !== 'COMPLETED') result.timedOut++;
    const done = counter.snapshot();
    result.ingest.push(accepted.roundTrips - before.roundTrips);
    result.run.push(done.roundTrips - accepted.roundTrips);
    result.ingestMs.push(accepted.at - before.at);
    result.runMs.push(done.at - accepted.at);
  }
  return result;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined;
}

const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;
