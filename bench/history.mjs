/**
 * `npm run bench:history` — execution history at volume (bench/README.md, docs/retention-and-sizing.md).
 *
 * For each schema — `partitioned` (every migration) and `flat` (every migration but
 * PartitionedExecutions: one table) — in a database of its own (wfe_bench_history_<schema>):
 * fills N executions spread over 30 whole UTC days ending at today's start, generated in SQL
 * (small payloads) on 2 connections (a day each at a time; on the partitioned schema each day then
 * gets its indexes, from the definitions the migrations made, and its VACUUM ANALYZE), then
 * measures p50/p99 of the queries behind the read routes, run through the service's own repository
 * (dist/) so the SQL is the service's:
 *   GET /executions/:id, the first page of GET /executions/workflow/:id,
 *   GET /executions?workflowId=&status=FAILED, a page 20 cursors deep,
 *   GET /executions/stats for a day (one workflow; and all workflows, fewer samples),
 * and one retention pass that removes the oldest day (EXECUTIONS_RETENTION_DAYS=29): its time and the
 * table and index sizes before and after. Prints a Markdown table; drops the databases at the end
 * unless --keep.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:history -- --rows 2000000
 *
 * On the partitioned schema the closed days are then summarized (DaySummariesRepository, as the
 * retention pass does), timed, and GET /executions/stats for a whole day reads the summaries.
 *
 * Options: --rows N (50000000), --samples N (200), --workflows N (1000), --only partitioned|flat, --keep,
 * --suffix S (databases wfe_bench_history_<schema>S: two runs on one server do not drop each other's),
 * --reuse (a database a --keep run left: its pending migrations are applied, the fill is skipped and
 * the reads, summaries and retention measured again; the retention pass removes its oldest day, so
 * each reuse has a day less), --sample-offset N (other workflows and ids than the run before, whose
 * pages may still be cached).
 * The flat schema gets the later migrations too (ExecutionStats: sizeBytes, which the repository reads).
 */
import 'reflect-metadata';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildIfStale } from './lib/build.mjs';
import { createDatabase, databaseUrl, dropDatabase } from './lib/database.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DAY = 86_400_000;
const CHUNK = 250_000;

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
}
const rows = Number(option('rows', 50_000_000));
const samples = Number(option('samples', 200));
const workflows = Number(option('workflows', 1000));
const only = option('only', undefined);
const keep = process.argv.includes('--keep');
const reuse = process.argv.includes('--reuse');
const sampleOffset = Number(option('sample-offset', 0));
const suffix = option('suffix', '');
if (!/^[a-z0-9_]*$/.test(suffix)) throw new Error('--suffix takes lowercase letters, digits and _');
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('DATABASE_URL must name a PostgreSQL server (the bench makes databases of its own there)');

const log = (message) => console.log(`[bench:history ${new Date().toISOString().slice(11, 19)}] ${message}`);
const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);

buildIfStale(root);
const { DataSource } = await import('typeorm');
const { dataSourceOptions } = await load('src/database/data-source-options.js');
const { MIGRATIONS } = await load('migrations/index.js');
const { ExecutionsRepository } = await load('src/executions/executions.repository.js');
const { ExecutionPartitionsRepository, partitionName } = await load('src/executions/partitions/execution-partitions.repository.js');
const { DaySummariesRepository } = await load('src/executions/partitions/day-summaries.repository.js');
const { RetentionRepository } = await load('src/executions/retention.repository.js');
const { RetentionService } = await load('src/executions/retention.service.js');
const { idAtTime } = await load('src/common/uuid.js');

const today = Math.floor(Date.now() / DAY) * DAY;
const start = today - 30 * DAY;
const step = (30 * DAY) / rows;

/**
 * Generated rows g in [lo, hi]: ids made at start + g·step, `workflows` workflows taking turns, and in
 * each workflow's turns 4 % FAILED, 1 % CANCELED (by g / workflows, so that every workflow has each
 * status). `sizeBytes` as the service computes it (src/executions/execution-size.ts).
 */
const FILL = `
  INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "nodeExecutions",
                                   "createdAt", "startedAt", "completedAt", attempt, "sizeBytes")
  SELECT (lpad(to_hex(t.ms), 12, '0') || '7' || substr(r.h, 1, 3) || '8' || substr(r.h, 4, 15))::uuid,
         md5('wf' || (g % $4))::uuid, 1, md5('hook' || (g % $4))::uuid, '00000000-0000-7000-8000-000000000001', 'webhook',
         CASE WHEN (g / $4) % 100 < 4 THEN 'FAILED' WHEN (g / $4) % 100 = 4 THEN 'CANCELED' ELSE 'COMPLETED' END,
         j.trigger, j.nodes, x.ts, x.ts, x.ts + interval '40 milliseconds', 1, pg_column_size(j.trigger) + pg_column_size(j.nodes)
    FROM generate_series($1::bigint, $2::bigint) AS g,
         LATERAL (SELECT ($3::bigint + floor(g * $5::float8))::bigint AS ms) AS t,
         LATERAL (SELECT md5(g::text) AS h) AS r,
         LATERAL (SELECT to_timestamp(t.ms / 1000.0) AS ts) AS x,
         LATERAL (SELECT jsonb_build_object('body', jsonb_build_object('orderId', g, 'amount', g % 997), 'method', 'POST', 'query', '{}'::jsonb, 'headers', '{}'::jsonb) AS trigger,
                         '[{"nodeId":"n0","nodeName":"Webhook","nodeType":"trigger","status":"SUCCESS","attempts":1,"executionTime":0},
                           {"nodeId":"n1","nodeName":"Check","nodeType":"condition","status":"SUCCESS","attempts":1,"executionTime":0,"output":{"result":true}},
                           {"nodeId":"n2","nodeName":"Shape","nodeType":"set","status":"SUCCESS","attempts":1,"executionTime":1,"output":{"ok":true}}]'::jsonb AS nodes) AS j`;
/** Connections that fill, each a day at a time. */
const FILLERS = 2;

/** Runs `tasks` on the clients, each client taking the next task when it is free. */
async function inParallel(clients, tasks) {
  let next = 0;
  await Promise.all(clients.map(async (client) => {
    while (next < tasks.length) await tasks[next++](client);
  }));
}

/**
 * Loads the rows on FILLERS connections, a day each at a time, without triggers
 * (session_replication_role: a generated FAILED row would otherwise queue an error-workflow run) and
 * without waiting for WAL flushes.
 * - partitioned: the table's secondary indexes are dropped first; each day, once loaded, gets them
 *   (the definitions the migrations made, from pg_indexes) and its VACUUM ANALYZE while its pages are
 *   still in memory; at the end the parent's indexes are created again, which attaches each
 *   partition's equal index instead of building it twice.
 * - flat: the indexes stay during the load (every one of them grows at a few hot pages: ids and times
 *   arrive in order, 1,000 workflows), and one VACUUM ANALYZE follows: building them afterwards would
 *   read the whole heap once per index.
 * VACUUM sets the visibility map, as autovacuum would on closed days, so index-only scans are what
 * production sees.
 */
async function fill(schema, clients) {
  const partitioned = schema === 'partitioned';
  const indexes = (await clients[0].query(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = 'workflow_executions'
        AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'workflow_executions'::regclass AND contype = 'p')`,
  )).rows;
  if (partitioned) for (const index of indexes) await clients[0].query(`DROP INDEX "${index.name}"`);
  for (const client of clients) {
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
  }
  const perDay = rows / 30;
  let done = 0;
  const days = Array.from({ length: 30 }, (_, day) => async (client) => {
    const [first, last] = [Math.ceil(day * perDay), Math.min(rows, Math.ceil((day + 1) * perDay)) - 1];
    for (let lo = first; lo <= last; lo += CHUNK) await client.query(FILL, [lo, Math.min(last, lo + CHUNK - 1), start, workflows, step]);
    if (partitioned) {
      const part = partitionName(start + day * DAY);
      for (const [k, index] of indexes.entries()) {
        await client.query(index.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ /, `CREATE $1INDEX "${part}_i${k}" ON "${part}" `));
      }
      await client.query(`VACUUM ANALYZE "${part}"`);
    }
    done += last - first + 1;
    if (day % 5 === 4) log(`${schema}: ${done.toLocaleString('en')} rows`);
  });
  const began = performance.now();
  await inParallel(clients, days);
  const daysSeconds = (performance.now() - began) / 1000;
  const finishBegan = performance.now();
  if (partitioned) {
    for (const index of indexes) await clients[0].query(index.def.replace(' ON ONLY ', ' ON '));
    // The parent's own statistics (the planner's estimates over all partitions).
    await clients[0].query('ANALYZE workflow_executions');
  } else {
    await clients[0].query('VACUUM ANALYZE workflow_executions');
  }
  const finishSeconds = (performance.now() - finishBegan) / 1000;
  for (const client of clients) await client.query('RESET ALL');
  return { daysSeconds, finishSeconds };
}

/** Nearest rank: the p99 of 100 samples is the second slowest, not the slowest (which the old formula took). */
function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time(label, count, work) {
  const ms = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    await work(i);
    ms.push(performance.now() - began);
  }
  ms.sort((a, b) => a - b);
  return { label, p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function sizes(client) {
  const { rows: [row] } = await client.query(
    `SELECT COALESCE(sum(pg_table_size(c.oid)), 0)::bigint AS table, COALESCE(sum(pg_indexes_size(c.oid)), 0)::bigint AS indexes
       FROM pg_class c WHERE c.relname = 'workflow_executions' AND c.relkind = 'r'
          OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'workflow_executions'::regclass)`,
  );
  const { rows: [keys] } = await client.query(`SELECT COALESCE(pg_total_relation_size(to_regclass('execution_keys')), 0)::bigint AS bytes`);
  return { table: Number(row.table), indexes: Number(row.indexes), keys: Number(keys.bytes) };
}

async function deleteAll(retention, days) {
  let total = 0;
  for (;;) {
    const deleted = await retention.deleteEnded('workflow_executions', days, days, 500);
    total += deleted;
    if (deleted < 500) return total;
  }
}

const mb = (bytes) => `${(bytes / 1048576).toFixed(0)} MB`;

async function runSchema(schema) {
  const name = `wfe_bench_history_${schema}${suffix}`;
  const url = databaseUrl(adminUrl, name);
  if (!reuse) await createDatabase(adminUrl, name);
  const migrations = schema === 'flat' ? MIGRATIONS.filter((m) => m.name !== 'PartitionedExecutions1796350000000') : MIGRATIONS;
  const dataSource = new DataSource({ ...dataSourceOptions(url, 4), migrations });
  await dataSource.initialize();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const fillers = [client];
  for (let i = 1; i < FILLERS; i++) fillers.push(new pg.Client({ connectionString: url }));
  await Promise.all(fillers.slice(1).map((c) => c.connect()));
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const partitions = new ExecutionPartitionsRepository(dataSource);
    if (schema === 'partitioned' && !reuse) await partitions.ensureDays(start, 34);

    let phases = { daysSeconds: 0, finishSeconds: 0 };
    let fillSeconds = 0;
    if (!reuse) {
      log(`${schema}: filling ${rows.toLocaleString('en')} executions over 30 days on ${FILLERS} connections`);
      const filled = performance.now();
      phases = await fill(schema, fillers);
      fillSeconds = (performance.now() - filled) / 1000;
    }
    const before = await sizes(client);
    const { rows: [{ count: filledRows }] } = await client.query('SELECT count(*)::bigint AS count FROM workflow_executions');
    // The closed days' summaries, as the retention pass makes them (one scan of each day's index).
    const summaries = new DaySummariesRepository(dataSource);
    const summarizing = performance.now();
    let summarized = 0;
    if (schema === 'partitioned') {
      if (reuse) await client.query('DELETE FROM execution_summarized_days');
      for (const partition of await partitions.dailyPartitions()) if (partition.day < today && (await summaries.summarize(partition))) summarized++;
    }
    const summariesMs = performance.now() - summarizing;
    log(`${schema}: ${summarized} days summarized in ${(summariesMs / 1000).toFixed(1)} s`);
    if (!reuse) log(
      `${schema}: filled in ${fillSeconds.toFixed(0)} s (${Math.round(rows / fillSeconds).toLocaleString('en')} rows/s; the days ${phases.daysSeconds.toFixed(0)} s, ` +
        `then ${phases.finishSeconds.toFixed(0)} s of ${schema === 'partitioned' ? "the parent's indexes and ANALYZE" : 'VACUUM ANALYZE'}); table ${mb(before.table)}, indexes ${mb(before.indexes)}`,
    );

    const repository = new ExecutionsRepository(dataSource);
    const workflowOf = (i) => ((i + sampleOffset) * 7919) % workflows;
    const workflowIdOf = async (i) => (await client.query(`SELECT md5('wf' || $1::int)::uuid AS id`, [workflowOf(i)])).rows[0].id;
    const workflowIds = [];
    for (let i = 0; i < samples; i++) workflowIds.push(await workflowIdOf(i));
    const ids = [];
    for (let i = 0; i < samples; i++) {
      const at = start + Math.floor((((i + sampleOffset) * 104729) % 1000) / 1000 * 30 * DAY);
      ids.push((await client.query('SELECT id FROM workflow_executions WHERE id >= $1 ORDER BY id LIMIT 1', [idAtTime(at)])).rows[0].id);
    }
    const cursors = [];
    for (let i = 0; i < Math.min(samples, 50); i++) {
      // The cursor of page 21 (20 pages of 50 read before it), not timed.
      const { rows: [row] } = await client.query('SELECT id FROM workflow_executions WHERE "workflowId" = $1 ORDER BY id DESC OFFSET 999 LIMIT 1', [workflowIds[i]]);
      cursors.push({ workflowId: workflowIds[i], cursor: row?.id });
    }
    // A whole UTC day of the 30 (not the oldest, which the retention pass removes).
    const dayOf = (i) => {
      const day = start + (1 + ((i * 7) % 29)) * DAY;
      return { from: new Date(day), to: new Date(day + DAY - 1) };
    };
    const measures = [
      ['GET /executions/:id', samples, (i) => repository.findById(ids[i])],
      ['GET /executions/workflow/:id (first page)', samples, (i) => repository.list({ workflowId: workflowIds[i] }, 50, undefined, false)],
      ['GET /executions?workflowId=&status=FAILED', samples, (i) => repository.list({ workflowId: workflowIds[i], status: 'FAILED' }, 50, undefined, false)],
      ['page 21 (20 cursors deep)', cursors.length, (i) => repository.list({ workflowId: cursors[i].workflowId }, 50, cursors[i].cursor, false)],
      ['GET /executions/stats?workflowId= for a day', samples, (i) => repository.stats({ workflowId: workflowIds[i], ...dayOf(i) })],
      ['GET /executions/stats for a day, all workflows', Math.min(samples, 10), (i) => repository.stats(dayOf(i))],
    ];
    // Untimed first: each measure once with other inputs. A connection's first query over the
    // partitioned table loads the catalog entries of the partitions it touches (tens of ms), which
    // the service pays once per pooled connection (kept open: src/database/data-source-options.ts).
    for (const [, , work] of measures) await work(0);
    const reads = [];
    for (const [label, count, work] of measures) reads.push(await time(label, count - 1, (i) => work(i + 1)));

    // One retention pass that removes the oldest whole day (29 days kept after a fill of 30).
    const { rows: [{ oldest }] } = await client.query(`SELECT ('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint::float8 AS oldest FROM workflow_executions ORDER BY id LIMIT 1`);
    const days = Math.floor((Date.now() - Math.floor(oldest / DAY) * DAY) / DAY) - 1;
    const config = { executionsRetentionDays: days, executionsRetentionIntervalMs: 3_600_000, appRole: 'all' };
    const service = new RetentionService(new RetentionRepository(dataSource), partitions, summaries, config);
    const { rows: [{ count: beforeRows }] } = await client.query('SELECT count(*)::bigint AS count FROM workflow_executions');
    const began = performance.now();
    // The flat table's pass is the one it had: batches of RETENTION_BATCH deletes until none is left.
    const pass = schema === 'partitioned' ? await service.runOnce() : { dropped: [], deleted: await deleteAll(new RetentionRepository(dataSource), days) };
    const retentionMs = performance.now() - began;
    const { rows: [{ count: afterRows }] } = await client.query('SELECT count(*)::bigint AS count FROM workflow_executions');
    const after = await sizes(client);
    const removed = Number(beforeRows) - Number(afterRows);
    log(`${schema}: retention removed ${removed} rows (${pass.dropped.length} partitions dropped, ${pass.deleted} rows deleted) in ${retentionMs.toFixed(0)} ms`);
    const plan = (await client.query(`EXPLAIN SELECT * FROM workflow_executions WHERE id = $1`, [ids[ids.length - 1]])).rows.map((r) => r['QUERY PLAN']).join('\n');
    return { schema, fillSeconds, phases, before, after, reads, summariesMs, summarized, retention: { ms: retentionMs, removed, dropped: pass.dropped.length }, plan, rows: Number(filledRows), bytesPerRow: (before.table + before.indexes + before.keys) / Number(filledRows) };
  } finally {
    for (const c of fillers) await c.end();
    await dataSource.destroy();
    if (!keep) await dropDatabase(adminUrl, name);
  }
}

const results = [];
for (const schema of ['partitioned', 'flat']) if (!only || only === schema) results.push(await runSchema(schema));

const f = (ms) => `${ms.toFixed(2)} ms`;
console.log(`\n## bench:history, ${results[0].rows.toLocaleString('en')} executions over ${reuse ? 'the days a kept database has' : '30 days'}, ${workflows} workflows, ${samples} samples\n`);
console.log(`| measure | ${results.map((r) => r.schema).join(' | ')} |`);
console.log(`|---|${results.map(() => '---').join('|')}|`);
for (let i = 0; i < results[0].reads.length; i++) {
  console.log(`| ${results[0].reads[i].label} p50 / p99 | ${results.map((r) => `${f(r.reads[i].p50)} / ${f(r.reads[i].p99)}`).join(' | ')} |`);
}
console.log(`| retention pass removing the oldest day | ${results.map((r) => `${f(r.retention.ms)} (${r.retention.removed.toLocaleString('en')} rows)`).join(' | ')} |`);
console.log(`| closed days summarized (once, by the retention pass) | ${results.map((r) => (r.summarized ? `${r.summarized} days in ${(r.summariesMs / 1000).toFixed(1)} s` : 'none')).join(' | ')} |`);
console.log(`| table + indexes before | ${results.map((r) => `${mb(r.before.table)} + ${mb(r.before.indexes)}`).join(' | ')} |`);
console.log(`| table + indexes after | ${results.map((r) => `${mb(r.after.table)} + ${mb(r.after.indexes)}`).join(' | ')} |`);
console.log(`| bytes per execution (table, indexes, keys) | ${results.map((r) => r.bytesPerRow.toFixed(0)).join(' | ')} |`);
if (!reuse) console.log(`| fill, with indexes and VACUUM ANALYZE (the days + the end) | ${results.map((r) => `${r.fillSeconds.toFixed(0)} s (${r.phases.daysSeconds.toFixed(0)} + ${r.phases.finishSeconds.toFixed(0)} s), ${Math.round(rows / r.fillSeconds).toLocaleString('en')} rows/s`).join(' | ')} |`);
for (const r of results) console.log(`\n${r.schema}: EXPLAIN by id\n${r.plan}`);
