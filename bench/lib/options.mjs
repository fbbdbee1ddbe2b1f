/**
 * Command-line flags and environment of `npm run bench`. Everything the run may vary lives here, so
 * a results file can record exactly what was measured.
 */
const FULL = { ingestSeconds: 20, e2eSeconds: 30, lastNodeSeconds: 10, warmupRequests: 1000, dbCostSequential: 100, dbCostBurst: 2000, drainCapSeconds: 120 };
const QUICK = { ingestSeconds: 3, e2eSeconds: 3, lastNodeSeconds: 2, warmupRequests: 200, dbCostSequential: 30, dbCostBurst: 500, drainCapSeconds: 30 };

/**
 * The queue's Redis keys have fixed names, so the bench keeps to a logical database of its own:
 * its workers must not take jobs of anything else using the same Redis (tests, a dev server).
 */
const BENCH_REDIS_DB = 13;

function ownRedisDatabase(url) {
  const parsed = new URL(url);
  parsed.pathname = `/${BENCH_REDIS_DB}`;
  return parsed.toString();
}

export function readOptions(argv = process.argv.slice(2), env = process.env) {
  const flags = new Set(argv.filter((arg) => !arg.includes('=')));
  const values = Object.fromEntries(argv.filter((arg) => arg.includes('=')).map((arg) => arg.replace(/^--/, '').split('=')));
  const known = new Set(['--quick', '--queue-mode', '--no-build', '--help', '--schedules', '--subworkflows', '--concurrency', '--queue-only', '--db-cost']);
  for (const flag of flags) if (!known.has(flag)) throw new Error(`Unknown flag ${flag} (known: ${[...known].join(', ')}, --e2e-rate=N, --tracing=RATIO, --schedules-count=N, --schedules-seconds=N, --subworkflows-runs=N, --concurrency-executions=N)`);
  const quick = flags.has('--quick');
  const tracing = values.tracing === undefined ? undefined : Number(values.tracing);
  if (tracing !== undefined && !(tracing >= 0 && tracing <= 1)) throw new Error(`--tracing must be a sampling ratio from 0 to 1, got "${values.tracing}"`);
  const adminUrl = env.BENCH_DATABASE_URL || env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  return {
    help: flags.has('--help'),
    quick,
    ...(quick ? QUICK : FULL),
    connections: 50,
    // The service's own default; the baseline gets the same pool so the comparison is even.
    poolSize: Number(env.BENCH_POOL_SIZE || 10),
    logLevel: env.BENCH_LOG_LEVEL || 'warn',
    /** Fixed ingest rate for the sustained end-to-end run; default: 90 % of what the full-speed run completed. */
    e2eRate: values['e2e-rate'] ? Number(values['e2e-rate']) : undefined,
    /** Runs the queue-mode phase even when the build does not look like it supports it. */
    forceQueueMode: flags.has('--queue-mode'),
    /** Queue mode's phases alone (api + worker: ingest, end to end, lastNode, then its db and Redis cost), no single-process ones. */
    queueOnly: flags.has('--queue-only'),
    build: !flags.has('--no-build'),
    /** The schedules phase alone (issue 16): active schedules firing once a minute each, spread over the minute. */
    schedules: flags.has('--schedules'),
    schedulesCount: Number(values['schedules-count'] ?? (quick ? 1000 : 10_000)),
    schedulesSeconds: Number(values['schedules-seconds'] ?? (quick ? 60 : 120)),
    /** The sub-workflows phase alone (issue 15): a 1,000-element pure forEach and a 100-element executeWorkflow forEach. */
    subworkflows: flags.has('--subworkflows'),
    subworkflowsRuns: Number(values['subworkflows-runs'] ?? (quick ? 3 : 10)),
    /** The concurrency phase alone (issue 17): a workflow keyed over 100 customers with limit 5 against the same workflow without a limit. */
    concurrency: flags.has('--concurrency'),
    concurrencyExecutions: Number(values['concurrency-executions'] ?? (quick ? 1000 : 10_000)),
    /** The single-server db cost phase alone: statements, transactions and round trips per execution of both workflows. */
    dbCost: flags.has('--db-cost'),
    /** Tracing on at this sampling ratio, spans exported to an OTLP sink in the bench's process (lib/otlp-sink.mjs). */
    tracing,
    adminUrl,
    redisUrl: env.BENCH_REDIS_URL || ownRedisDatabase(env.REDIS_URL || 'redis://127.0.0.1:6379'),
  };
}

export const USAGE = `npm run bench [-- --quick] [-- --e2e-rate=N] [-- --tracing=RATIO] [-- --queue-mode] [-- --no-build]
npm run bench -- --queue-only [-- --quick]: queue mode's phases alone (api + worker), then its db and Redis cost
  --tracing=RATIO: OpenTelemetry tracing on in every service started, sampled at RATIO (0 to 1), exported
    over OTLP/HTTP protobuf to a sink in the bench's process; without it, tracing is off unless the
    shell's own OTEL_EXPORTER_OTLP_ENDPOINT reaches the service
npm run bench -- --schedules [--schedules-count=10000] [--schedules-seconds=120] [--quick: 1000 schedules, 60 s]
npm run bench -- --subworkflows [--subworkflows-runs=10] [--quick: 3 runs]: elements/s of a 1,000-element pure forEach,
    children/s of a 100-element executeWorkflow forEach (medians of the runs, one at a time, after one warm-up run)
npm run bench -- --db-cost [--quick]: the single-server db cost phase alone (statements, transactions and round trips
    per execution of the pure and the effect workflow, one at a time and in a burst)
npm run bench -- --concurrency [--concurrency-executions=10000] [--quick: 1000]: executions of a workflow keyed over
    100 customers with { limit: 5, key } against the same workflow without a limit (trigger → HTTP Request → set)
  BENCH_DATABASE_URL or DATABASE_URL: admin URL of the PostgreSQL server (a database wfe_bench_<pid> is created and dropped)
  BENCH_POOL_SIZE (10): DB_POOL_SIZE of the service and pool size of the baseline
  BENCH_LOG_LEVEL (warn): LOG_LEVEL of the service
  BENCH_REDIS_URL: Redis for the queue-mode phase (default: REDIS_URL or the local Redis, logical database 13;
    with REDIS_PREFIX=wfe_bench_<pid>; the queue's keys there are deleted before and after the phase)`;
