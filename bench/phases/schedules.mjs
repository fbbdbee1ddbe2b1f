import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSecondsOf } from '../lib/cpu-usage.mjs';
import { call } from '../lib/service-api.mjs';

/** Requests in flight while the schedule workflows are created and edited through the API. */
const API_CONCURRENCY = 16;
/** How long the idle service is watched for its CPU at rest. */
const REST_SECONDS = 10;

/**
 * CPU of the service process and of the PostgreSQL backends serving the bench database (not every
 * postgres process of the machine: on a shared host other databases' backends come and go, and one
 * that exits mid-window would make the sum negative). A backend the pool closes meanwhile counts
 * until it exits; one it opens later is not counted.
 */
async function cpuWindow(db, servicePid) {
  const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  const backends = rows.map((row) => row.pid);
  const read = () => ({ service: cpuSecondsOf([servicePid]), postgres: cpuSecondsOf(backends) });
  const before = read();
  const started = performance.now();
  return () => {
    const after = read();
    const wall = (performance.now() - started) / 1000;
    return { wallSeconds: wall, serviceCores: (after.service - before.service) / wall, postgresCores: Math.max(0, after.postgres - before.postgres) / wall, backends: backends.length };
  };
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once. */
async function pooled(count, concurrency, work) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await work(next++);
  }));
}

/**
 * Schedule `i` fires once a minute at second `i % 60` (a 6-field cron), so `count` schedules spread
 * evenly over the minute: 10,000 make ≈ 167 firings a second. Pure nodes: what is measured is the
 * firing, not the work.
 */
function scheduleWorkflow(i, startAt) {
  return {
    name: `bench schedule ${i}`,
    active: true,
    nodes: [
      { id: 'n1', name: 'Every minute', type: 'schedule', parameters: { cron: `${i % 60} * * * * *`, overlap: 'allow', ...(startAt ? { startAt } : {}) } },
      { id: 'n2', name: 'Stamp', type: 'set', parameters: { values: { due: '{{ $trigger.scheduledFor }}' } } },
    ],
    connections: { 'Every minute': { main: [[{ node: 'Stamp', type: 'main', index: 0 }]] } },
  };
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);

/**
 * `--schedules` (issue 16): `count` active schedules on one server, each firing once a minute.
 *
 * 1. Created active with startAt an hour ahead: every schedule is active and none is due. The
 *    service's CPU (and PostgreSQL's) is read for REST_SECONDS: the cost of watching them at rest.
 * 2. Each is replaced (PUT) without startAt: it fires from the next matching second on.
 * 3. A window of `seconds` starting after the last PUT: every due time in it must have exactly one
 *    execution; lag is the time from the due time to the execution's row being created (its
 *    createdAt, set by the database when the firing's transaction inserts it).
 */
export async function schedulesPhase(ctx, { count, seconds }) {
  const { service, db } = ctx;
  const apiKey = ctx.adminApiKey;
  const farStart = new Date(Date.now() + 3600_000).toISOString();
  const created = new Array(count);
  const setupStarted = Date.now();
  await pooled(count, API_CONCURRENCY, async (i) => {
    created[i] = await call(service.baseUrl, apiKey, 'POST', '/workflows', scheduleWorkflow(i, farStart));
  });
  const createSeconds = (Date.now() - setupStarted) / 1000;

  await sleep(2000);
  const rest = await cpuWindow(db, service.pid);
  await sleep(REST_SECONDS * 1000);
  const restUsage = rest();

  const editStarted = Date.now();
  await pooled(count, API_CONCURRENCY, async (i) => {
    await call(service.baseUrl, apiKey, 'PUT', `/workflows/${created[i].id}`, { ...scheduleWorkflow(i), version: created[i].version });
  });
  const editSeconds = (Date.now() - editStarted) / 1000;

  // From the next whole second after the last edit: every schedule is firing by then.
  const windowStart = Math.ceil((Date.now() + 1000) / 1000) * 1000;
  const windowEnd = windowStart + seconds * 1000;
  await sleep(windowStart - Date.now());
  const firing = await cpuWindow(db, service.pid);
  await sleep(windowEnd - Date.now());
  const firingUsage = firing();
  // Firings of the window's last seconds get a moment to commit.
  await sleep(3000);

  const { rows } = await db.query(
    `SELECT "workflowId", "idempotencyKey", count(*)::int AS n,
            min(EXTRACT(EPOCH FROM ("createdAt" - "idempotencyKey"::timestamptz)) * 1000)::float8 AS lag
       FROM workflow_executions
      WHERE mode = 'schedule' AND "idempotencyKey"::timestamptz >= $1 AND "idempotencyKey"::timestamptz < $2
      GROUP BY 1, 2`,
    [new Date(windowStart), new Date(windowEnd)],
  );
  // Due times in the window: schedule i at every second s with s % 60 === i % 60.
  let expected = 0;
  for (let t = windowStart; t < windowEnd; t += 1000) {
    const second = new Date(t).getUTCSeconds();
    expected += Math.floor(count / 60) + (second < count % 60 ? 1 : 0);
  }
  const doubled = rows.filter((row) => row.n > 1).length;
  const lags = rows.map((row) => row.lag).sort((a, b) => a - b);
  const skipped = (await db.query('SELECT coalesce(sum(skipped), 0)::int AS n FROM workflow_schedules')).rows[0].n;
  return {
    schedules: count,
    windowSeconds: seconds,
    createSeconds,
    editSeconds,
    expectedFirings: expected,
    fired: rows.length,
    missed: expected - rows.length,
    doubled,
    skipped,
    firingsPerSecond: rows.length / seconds,
    lagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) ?? null },
    cpuAtRest: restUsage,
    cpuFiring: firingUsage,
  };
}
