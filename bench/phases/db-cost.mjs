import { setTimeout as sleep } from 'node:timers/promises';
import { post } from '../lib/load.mjs';
import { PAYLOAD } from '../lib/service-api.mjs';
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
 * Database work per execution of the pure workflow (issue 6: ≤ 2 round trips beyond ingest). A
 * second service instance talks to Postgres through a counting proxy (bench/lib/wire-counter.mjs);
 * the bench polls statuses on its own connection, which the proxy does not see.
 * - sequential: one request at a time; round trips from POST to 202 (ingest) and from 202 until
 *   the row reads COMPLETED (the run), medians over N — the cost with no batching to help;
 * - burst: N requests at 50 connections, everything until drained, over N — the cost under load,
 *   cross-checked with pg_stat_database's transactions and pg_stat_user_tables' row writes.
 * Background work (the recovery sweep) is measured while idle and subtracted.
 */
export async function dbCostPhase(ctx) {
  const { options, db } = ctx;
  const target = new URL(ctx.databaseUrl);
  const counter = new WireCounter(target.hostname, Number(target.port || 5432));
  await counter.start();
  let service;
  try {
    service = await startService(ctx.dist, { name: 'service (counted)', databaseUrl: counter.wrap(ctx.databaseUrl), poolSize: options.poolSize, logLevel: options.logLevel });
    ctx.extraServices.add(service);
    const url = service.baseUrl + ctx.paths.onReceivedPath;
    // Warm the pool and the workflow cache so connection set-up is not counted.
    await post(url, { connections: options.connections, amount: 200 });
    await db.waitForDrain(options.drainCapSeconds * 1000);
    await sleep(SETTLE_MS);

    const idleStart = counter.snapshot();
    await sleep(IDLE_WINDOW_MS);
    const idle = WireCounter.delta(idleStart, counter.snapshot());
    const idlePerMs = { roundTrips: idle.roundTrips / idle.ms, statements: idle.statements / idle.ms, transactions: idle.transactions / idle.ms };
    const net = (delta, count) => ({
      roundTrips: (delta.roundTrips - idlePerMs.roundTrips * delta.ms) / count,
      statements: (delta.statements - idlePerMs.statements * delta.ms) / count,
      transactions: (delta.transactions - idlePerMs.transactions * delta.ms) / count,
    });

    // The idle window doubles as the wait for Postgres' deferred statistics flush of the warm-up.
    await sleep(PG_STATS_FLUSH_MS - SETTLE_MS - IDLE_WINDOW_MS);
    const statsBefore = await db.activity();
    const burstStart = counter.snapshot();
    const load = await post(url, { connections: options.connections, amount: options.dbCostBurst });
    await db.waitForDrain(options.drainCapSeconds * 1000);
    await sleep(SETTLE_MS);
    const burstDelta = WireCounter.delta(burstStart, counter.snapshot());
    await sleep(PG_STATS_FLUSH_MS - SETTLE_MS);
    const statsAfter = await db.activity();

    const sequential = await runSequential(counter, db, url, options.dbCostSequential);
    await sleep(SETTLE_MS);
    const sequentialTotal = net(WireCounter.delta(sequential.start, counter.snapshot()), options.dbCostSequential);

    const n = load.ok;
    const none = { ins: 0, upd: 0, del: 0 };
    const executionsAfter = statsAfter.rowWrites.workflow_executions ?? none;
    const executionsBefore = statsBefore.rowWrites.workflow_executions ?? none;
    return {
      idle: { seconds: idle.ms / 1000, roundTrips: idle.roundTrips, statements: idle.statements },
      sequential: {
        executions: options.dbCostSequential,
        ingestRoundTripsMedian: median(sequential.ingest),
        runRoundTripsMedian: median(sequential.run),
        runRoundTripsMax: Math.max(...sequential.run),
        ingestMsMedian: median(sequential.ingestMs),
        runMsMedian: median(sequential.runMs),
        perExecution: sequentialTotal,
        slowestObserved: sequential.timedOut,
      },
      burst: {
        executions: n,
        non2xx: load.non2xx,
        perExecution: net(burstDelta, n),
        // pg_stat_database counts every transaction of the database, the bench's own polls included.
        pgStatTransactionsPerExecution: (statsAfter.transactions - statsBefore.transactions - (statsAfter.ownQueries - statsBefore.ownQueries)) / n,
        executionRowWritesPerExecution: {
          inserts: (executionsAfter.ins - executionsBefore.ins) / n,
          updates: (executionsAfter.upd - executionsBefore.upd) / n,
        },
        topStatements: [...burstDelta.byText.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([sql, count]) => ({ perExecution: round(count / n, 3), count, sql: sql.length > 160 ? `${sql.slice(0, 157)}...` : sql })),
      },
      wireConnections: counter.totals.connections,
      opaqueConnections: counter.totals.opaqueConnections,
    };
  } finally {
    await stopService(service);
    ctx.extraServices.delete(service);
    await counter.stop();
  }
}

async function runSequential(counter, db, url, count) {
  const result = { start: counter.snapshot(), ingest: [], run: [], ingestMs: [], runMs: [], timedOut: 0 };
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
