/**
 * `npm run bench` — bench/README.md / issue 6. Builds if needed, creates a throw-away database, runs the
 * service and the bare-insert baseline as child processes, loads them with autocannon, prints the
 * figures next to the baseline and the targets, and writes bench/results/<timestamp>.{json,md}.
 * Children are stopped and the database dropped whatever happens (failure, Ctrl-C).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildIfStale } from './lib/build.mjs';
import { removeSnapshot, snapshotDist } from './lib/dist-snapshot.mjs';
import { killAllChildrenNow, RssSampler, stopAllChildren, stopChild } from './lib/children.mjs';
import { BenchDb, createDatabase, databaseUrl, dropDatabase } from './lib/database.mjs';
import { readOptions, USAGE } from './lib/options.mjs';
import { summaryRows, textTable, writeResults } from './lib/report.mjs';
import { setUpWorkflow } from './lib/service-api.mjs';
import { OtlpSink } from './lib/otlp-sink.mjs';
import { secrets, serviceEnv, startBaseline, startService, stopService } from './lib/targets.mjs';
import { dbCostPhase } from './phases/db-cost.mjs';
import { endToEndPhase } from './phases/end-to-end.mjs';
import { ingestPhase } from './phases/ingest.mjs';
import { lastNodePhase } from './phases/last-node.mjs';
import { queueModePhase, queueModeSupport } from './phases/queue-mode.mjs';
import { schedulesPhase } from './phases/schedules.mjs';
import { concurrencyPhase, startConcurrencyTarget } from './phases/concurrency.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const step = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function environment(postgres) {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a checkout
  }
  return { node: process.version, postgres, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), commit, loadAverageAtStart: loadavg()[0] };
}

/** Things worth a second look, in words, with their numbers. */
function notesFor(results, serviceWarnings) {
  const notes = [];
  const { ingest, e2e, lastNode } = results;
  if (ingest?.service.non2xx || ingest?.service.errors) notes.push(`ingest: ${ingest.service.non2xx} non-2xx answers (${JSON.stringify(ingest.service.statusCodes)}) and ${ingest.service.errors} socket errors`);
  if (ingest && !ingest.drain.drained) notes.push(`ingest: backlog not drained within ${ingest.drain.ms / 1000} s (${ingest.drain.left} left)`);
  const queued = results.queueMode?.ingest ? results.queueMode : undefined;
  if (queued?.ingest.non2xx || queued?.ingest.errors) notes.push(`queue mode ingest: ${queued.ingest.non2xx} non-2xx answers (${JSON.stringify(queued.ingest.statusCodes)}) and ${queued.ingest.errors} socket errors`);
  const warned = (queued?.warnings.api.length ?? 0) + (queued?.warnings.worker.length ?? 0);
  if (warned) notes.push(`queue mode: the api and worker logged ${warned} warning/error lines (queueMode.warnings in the JSON)`);
  for (const [name, run] of Object.entries({ 'full speed': e2e?.fullSpeed, sustained: e2e?.sustained, 'queue mode': queued?.endToEnd })) {
    if (!run) continue;
    if (run.load.non2xx || run.load.errors) notes.push(`e2e ${name}: ${run.load.non2xx} non-2xx (${JSON.stringify(run.load.statusCodes)}), ${run.load.errors} socket errors`);
    if (run.backlogAtEnd > run.completedPerSecond) notes.push(`e2e ${name}: backlog of ${run.backlogAtEnd} executions when the load stopped (accepted ${run.acceptedPerSecond.toFixed(0)}/s, completed ${run.completedPerSecond.toFixed(0)}/s); drained in ${(run.drain.ms / 1000).toFixed(1)} s`);
    if (run.failed) notes.push(`e2e ${name}: ${run.failed} executions FAILED (${[...new Set(run.failedErrors)].map((error) => JSON.stringify(error)).join('; ')})`);
    if (!run.drain.drained) notes.push(`e2e ${name}: ${run.drain.left} executions still PENDING or RUNNING ${(run.drain.ms / 1000).toFixed(0)} s after the load`);
  }
  if (results.executions?.byStatus.FAILED) notes.push(`${results.executions.byStatus.FAILED} of ${Object.values(results.executions.byStatus).reduce((a, b) => a + b, 0)} executions of the single-process phases FAILED; latest errors: ${[...new Set(results.executions.failedErrors)].map((error) => JSON.stringify(error)).join('; ')}`);
  if (lastNode?.timedOut202) notes.push(`lastNode: ${lastNode.timedOut202} answers were 202 (execution not finished within the response timeout)`);
  if (lastNode && lastNode.load.requests - lastNode.answered200 - lastNode.timedOut202 > 0) notes.push(`lastNode: other statuses ${JSON.stringify(lastNode.load.statusCodes)}`);
  if (results.tracing) notes.push(`tracing on at sampling ratio ${results.tracing.ratio}: ${results.tracing.exportRequests} OTLP exports, ${(results.tracing.exportBytes / 1e6).toFixed(1)} MB of spans`);
  if (results.dbCost?.opaqueConnections) notes.push(`db cost: ${results.dbCost.opaqueConnections} encrypted connections could not be counted`);
  if (results.dbCost?.sequential.slowestObserved) notes.push(`db cost: ${results.dbCost.sequential.slowestObserved} sequential executions did not complete within 10 s`);
  const { cpus: cores, loadAverageAtStart: before, loadAverageAtEnd: after } = results.environment;
  // The bench itself keeps about two processes busy; beyond that something else shares the CPU.
  if (before > cores || after > cores + 2) notes.push(`the machine was busy with other work: load average ${before.toFixed(1)} at the start and ${after.toFixed(1)} at the end on ${cores} cores; ratios to the baseline hold better than absolute figures`);
  if (serviceWarnings) notes.push(`the service logged ${serviceWarnings} warning/error lines during the run (the last ones are in the JSON, serviceWarningLines)`);
  return notes;
}

async function main() {
  const options = readOptions();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.build) buildIfStale(root);

  const name = `wfe_bench_${process.pid}`;
  const url = databaseUrl(options.adminUrl, name);
  const ctx = { root, options, databaseUrl: url, extraServices: new Set() };
  const results = { startedAt: new Date().toISOString(), options: { ...options, adminUrl: undefined, redisUrl: undefined }, notes: [] };
  let created = false;
  let cleaning;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      ctx.rss?.stop();
      await ctx.otlpSink?.close().catch(() => undefined);
      for (const handle of [ctx.service, ...ctx.extraServices]) await stopService(handle).catch(() => undefined);
      await stopChild(ctx.baseline).catch(() => undefined);
      await stopAllChildren();
      await ctx.db?.end().catch(() => undefined);
      removeSnapshot(ctx.dist);
      if (created) await dropDatabase(options.adminUrl, name).catch((error) => console.error(`could not drop ${name}: ${error.message}`));
    })());
  process.on('SIGINT', () => {
    console.error('\ninterrupted: stopping children and dropping the database');
    cleanUp().finally(() => process.exit(130));
  });
  process.on('exit', killAllChildrenNow);

  try {
    ctx.dist = await snapshotDist(root);
    step(`creating database ${name}`);
    await createDatabase(options.adminUrl, name);
    created = true;
    ctx.db = new BenchDb(url, name);
    results.environment = environment(await ctx.db.serverVersion());
    if (options.schedules) {
      await runSchedules(ctx, results);
      return;
    }
    if (options.concurrency) {
      await runConcurrency(ctx, results);
      return;
    }

    if (options.tracing !== undefined) {
      ctx.otlpSink = await new OtlpSink().start();
      Object.assign(serviceEnv, ctx.otlpSink.env(options.tracing));
      step(`tracing on at sampling ratio ${options.tracing}, spans exported to the OTLP sink on port ${ctx.otlpSink.port}`);
    }
    step('starting the baseline and the service');
    ctx.baseline = await startBaseline(root, { databaseUrl: url, poolSize: options.poolSize });
    ctx.service = await startService(ctx.dist, { databaseUrl: url, poolSize: options.poolSize, logLevel: options.logLevel });
    step(`service ready in ${ctx.service.startMs} ms (pid ${ctx.service.pid}), baseline on ${ctx.baseline.baseUrl}`);
    ctx.rss = new RssSampler(ctx.service.pid);
    ctx.paths = await setUpWorkflow(ctx.service.baseUrl, secrets.adminApiKey);
    ctx.rss.mark('rest');
    await sleep(2000);
    ctx.rss.close('rest');

    step(`ingest: baseline then service, ${options.ingestSeconds} s each`);
    results.ingest = await ingestPhase(ctx);
    step(`ingest: service ${results.ingest.service.okPerSecond.toFixed(0)}/s, baseline ${results.ingest.baseline.okPerSecond.toFixed(0)}/s`);

    step(`end to end: full speed then fixed rate, ${options.e2eSeconds} s each`);
    results.e2e = await endToEndPhase(ctx, results.ingest.baseline.okPerSecond);
    step(`end to end: ${results.e2e.fullSpeed.completedPerSecond.toFixed(0)} COMPLETED/s at full speed; sustained run at ${results.e2e.sustained.rate}/s`);

    step(`lastNode: ${options.lastNodeSeconds} s`);
    results.lastNode = await lastNodePhase(ctx);

    await ctx.db.waitForDrain(options.drainCapSeconds * 1000);
    const finalCounts = await ctx.db.statusCounts();
    results.executions = { byStatus: finalCounts, failedErrors: finalCounts.FAILED ? await ctx.db.recentErrors(5) : [] };
    ctx.rss.mark('after');
    await sleep(3000);
    ctx.rss.close('after');
    results.memory = {
      rest: ctx.rss.median('rest'),
      peak: Math.max(results.ingest.rssPeak ?? 0, results.e2e.rssPeak ?? 0, results.lastNode.rssPeak ?? 0),
      afterLoad: ctx.rss.median('after'),
      peakByPhase: { ingest: results.ingest.rssPeak, e2e: results.e2e.rssPeak, lastNode: results.lastNode.rssPeak },
    };
    const serviceWarnings = ctx.service.warnings;
    results.serviceWarningLines = ctx.service.warningLines;
    ctx.rss.stop();
    await stopService(ctx.service);
    ctx.service = undefined;

    step('db cost: the service again, through a counting proxy');
    results.dbCost = await dbCostPhase(ctx);

    const queue = queueModeSupport(root, ctx.dist);
    if (queue.supported || options.forceQueueMode) {
      step('queue mode: api + worker');
      results.queueMode = await queueModePhase(ctx);
    } else {
      results.queueMode = { skipped: `not available in this build (${queue.reason})` };
      step(`queue mode: not available in this build (${queue.reason})`);
    }

    results.environment.loadAverageAtEnd = loadavg()[0];
    if (ctx.otlpSink) results.tracing = { ratio: options.tracing, ...ctx.otlpSink.stats() };
    results.notes = notesFor(results, serviceWarnings);
    const rows = summaryRows(results);
    console.log(`\n${textTable(rows)}\n`);
    if (results.dbCost.burst.topStatements.length) {
      console.log('statements per execution (burst):');
      for (const statement of results.dbCost.burst.topStatements) console.log(`  ${String(statement.perExecution).padStart(6)}  ${statement.sql}`);
      console.log('');
    }
    for (const note of results.notes) console.log(`note: ${note}`);
    const written = writeResults(join(root, 'bench', 'results'), results, rows);
    console.log(`\nwrote ${relative(root, written.json)} and ${relative(root, written.md)}`);
  } finally {
    await cleanUp();
  }
}

/** `--schedules`: the service alone, with `schedulesCount` schedules (bench/phases/schedules.mjs). */
async function runSchedules(ctx, results) {
  const { options } = ctx;
  step('starting the service');
  ctx.service = await startService(ctx.dist, { databaseUrl: ctx.databaseUrl, poolSize: options.poolSize, logLevel: options.logLevel });
  step(`schedules: creating ${options.schedulesCount}, CPU at rest, then firing for ${options.schedulesSeconds} s`);
  ctx.adminApiKey = secrets.adminApiKey;
  results.schedules = await schedulesPhase(ctx, { count: options.schedulesCount, seconds: options.schedulesSeconds });
  results.serviceWarningLines = ctx.service.warningLines;
  results.environment.loadAverageAtEnd = loadavg()[0];
  const { cpus: cores, loadAverageAtStart: before, loadAverageAtEnd: after } = results.environment;
  if (before > cores || after > cores + 2) results.notes.push(`the machine was busy with other work: load average ${before.toFixed(1)} at the start and ${after.toFixed(1)} at the end on ${cores} cores`);
  if (ctx.service.warnings) results.notes.push(`the service logged ${ctx.service.warnings} warning/error lines (serviceWarningLines in the JSON)`);
  const rows = summaryRows(results);
  console.log(`\n${textTable(rows)}\n`);
  for (const note of results.notes) console.log(`note: ${note}`);
  const written = writeResults(join(root, 'bench', 'results'), results, rows);
  console.log(`\nwrote ${relative(root, written.json)} and ${relative(root, written.md)}`);
}

/** `--concurrency`: the service alone, a keyed workflow against the same without a limit (bench/phases/concurrency.mjs). */
async function runConcurrency(ctx, results) {
  const { options } = ctx;
  /** Each outside call takes this long: executions overlap, so that limits have something to hold. */
  const holdMs = 20;
  const target = await startConcurrencyTarget(holdMs);
  try {
    step('starting the service');
    ctx.service = await startService(ctx.dist, { databaseUrl: ctx.databaseUrl, poolSize: options.poolSize, logLevel: options.logLevel, extraEnv: { HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` } });
    ctx.adminApiKey = secrets.adminApiKey;
    step(`concurrency: ${options.concurrencyExecutions} executions without a limit, then as many keyed over 100 customers with limit 5`);
    results.concurrency = await concurrencyPhase(ctx, { executions: options.concurrencyExecutions, keys: 100, limit: 5, holdMs, target });
  } finally {
    await target.close();
  }
  results.serviceWarningLines = ctx.service.warningLines;
  results.environment.loadAverageAtEnd = loadavg()[0];
  const { cpus: cores, loadAverageAtStart: before, loadAverageAtEnd: after } = results.environment;
  if (before > cores || after > cores + 2) results.notes.push(`the machine was busy with other work: load average ${before.toFixed(1)} at the start and ${after.toFixed(1)} at the end on ${cores} cores`);
  if (ctx.service.warnings) results.notes.push(`the service logged ${ctx.service.warnings} warning/error lines (serviceWarningLines in the JSON)`);
  const rows = summaryRows(results);
  console.log(`\n${textTable(rows)}\n`);
  for (const note of results.notes) console.log(`note: ${note}`);
  const written = writeResults(join(root, 'bench', 'results'), results, rows);
  console.log(`\nwrote ${relative(root, written.json)} and ${relative(root, written.md)}`);
}

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
