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
import { effectWorkflow, setUpWorkflow } from './lib/service-api.mjs';
import { OtlpSink } from './lib/otlp-sink.mjs';
import { secrets, serviceEnv, startBaseline, startJsonServer, startService, stopService } from './lib/targets.mjs';
import { dbCostPhase } from './phases/db-cost.mjs';
import { endToEndPhase } from './phases/end-to-end.mjs';
import { ingestPhase } from './phases/ingest.mjs';
import { lastNodePhase } from './phases/last-node.mjs';
import { clearQueueKeys, queueModePhase, queueModeSupport } from './phases/queue-mode.mjs';
import { schedulesPhase } from './phases/schedules.mjs';
import { subworkflowsPhase } from './phases/subworkflows.mjs';
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
  const queued = results.queueMode?.workflows ? results.queueMode : undefined;
  const warned = (queued?.warnings.api.length ?? 0) + (queued?.warnings.worker.length ?? 0);
  if (warned) notes.push(`queue mode: the api and worker logged ${warned} warning/error lines (queueMode.warnings in the JSON)`);
  if (results.effect?.ingest.service.non2xx || results.effect?.ingest.service.errors) notes.push(`effect ingest: ${results.effect.ingest.service.non2xx} non-2xx answers (${JSON.stringify(results.effect.ingest.service.statusCodes)}) and ${results.effect.ingest.service.errors} socket errors`);
  const runs = { 'full speed': e2e?.fullSpeed, sustained: e2e?.sustained, 'effect full speed': results.effect?.e2e.fullSpeed, 'effect sustained': results.effect?.e2e.sustained };
  for (const [name, flow] of Object.entries(queued?.workflows ?? {})) {
    if (flow.ingest.service.non2xx || flow.ingest.service.errors) notes.push(`queue mode ${name} ingest: ${flow.ingest.service.non2xx} non-2xx answers (${JSON.stringify(flow.ingest.service.statusCodes)}) and ${flow.ingest.service.errors} socket errors`);
    runs[`queue mode ${name} full speed`] = flow.endToEnd.fullSpeed;
    runs[`queue mode ${name} sustained`] = flow.endToEnd.sustained;
  }
  for (const [name, run] of Object.entries(runs)) {
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
  for (const cost of [results.dbCost, results.queueCost]) {
    if (cost?.opaqueConnections) notes.push(`db cost (${cost.mode}): ${cost.opaqueConnections} encrypted connections could not be counted`);
    for (const [name, flow] of Object.entries(cost?.workflows ?? {})) {
      if (flow.sequential.slowestObserved) notes.push(`db cost (${cost.mode}, ${name}): ${flow.sequential.slowestObserved} sequential executions did not complete within 10 s`);
    }
  }
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
    if (options.subworkflows) {
      await runSubworkflows(ctx, results);
      return;
    }
    if (options.concurrency) {
      await runConcurrency(ctx, results);
      return;
    }
    if (options.dbCost) {
      await runDbCost(ctx, results);
      return;
    }

    if (options.tracing !== undefined) {
      ctx.otlpSink = await new OtlpSink().start();
      Object.assign(serviceEnv, ctx.otlpSink.env(options.tracing));
      step(`tracing on at sampling ratio ${options.tracing}, spans exported to the OTLP sink on port ${ctx.otlpSink.port}`);
    }
    step('starting the baseline, the JSON server of the effect workflow and the service');
    ctx.jsonServer = await startJsonServer(root);
    // The service may call the bench's JSON server (loopback) and nothing else private.
    serviceEnv.HTTP_ALLOWED_HOSTS = ctx.jsonServer.hostPort;
    ctx.step = step;
    ctx.clearQueueKeys = (prefix) => clearQueueKeys(options.redisUrl, prefix).catch((error) => console.warn(`could not delete the bench's Redis keys (${prefix}:*): ${error.message}`));
    ctx.baseline = await startBaseline(root, { databaseUrl: url, poolSize: options.poolSize });
    ctx.service = await startService(ctx.dist, { databaseUrl: url, poolSize: options.poolSize, logLevel: options.logLevel });
    step(`service ready in ${ctx.service.startMs} ms (pid ${ctx.service.pid}), baseline on ${ctx.baseline.baseUrl}`);
    ctx.rss = new RssSampler(ctx.service.pid);
    ctx.workflows = {
      pure: await setUpWorkflow(ctx.service.baseUrl, secrets.adminApiKey),
      effect: await setUpWorkflow(ctx.service.baseUrl, secrets.adminApiKey, effectWorkflow(`${ctx.jsonServer.baseUrl}/notify`)),
    };
    ctx.rss.mark('rest');
    await sleep(2000);
    ctx.rss.close('rest');

    if (options.queueOnly) {
      await runQueueOnly(ctx, results);
      return;
    }
    const base = ctx.service.baseUrl;
    const { pure, effect } = ctx.workflows;
    step(`ingest (pure workflow): baseline then service, ${options.ingestSeconds} s each`);
    results.ingest = await ingestPhase(ctx, base + pure.onReceivedPath);
    step(`ingest: service ${results.ingest.service.okPerSecond.toFixed(0)}/s, baseline ${results.ingest.baseline.okPerSecond.toFixed(0)}/s`);

    step(`end to end (pure): full speed then fixed rate, ${options.e2eSeconds} s each`);
    results.e2e = await endToEndPhase(ctx, base + pure.onReceivedPath, results.ingest.baseline.okPerSecond, { fixedRate: options.e2eRate });
    step(`end to end: ${results.e2e.fullSpeed.completedPerSecond.toFixed(0)} COMPLETED/s at full speed; sustained run at ${results.e2e.sustained.rate}/s`);

    step(`lastNode (pure): ${options.lastNodeSeconds} s`);
    results.lastNode = await lastNodePhase(ctx, base + pure.lastNodePath);

    step('effect workflow (trigger → httpRequest → set): ingest with a baseline round of its own, end to end, lastNode');
    const effectIngest = await ingestPhase(ctx, base + effect.onReceivedPath);
    step(`effect ingest: service ${effectIngest.service.okPerSecond.toFixed(0)}/s, baseline ${effectIngest.baseline.okPerSecond.toFixed(0)}/s; backlog drained in ${(effectIngest.drain.ms / 1000).toFixed(1)} s`);
    const effectE2e = await endToEndPhase(ctx, base + effect.onReceivedPath, effectIngest.baseline.okPerSecond);
    step(`effect end to end: ${effectE2e.fullSpeed.completedPerSecond.toFixed(0)} COMPLETED/s at full speed; sustained run at ${effectE2e.sustained.rate}/s`);
    results.effect = { ingest: effectIngest, e2e: effectE2e, lastNode: await lastNodePhase(ctx, base + effect.lastNodePath) };
    results.effect.outsideApi = await fetch(`${ctx.jsonServer.baseUrl}/stats`).then((response) => response.json());

    await ctx.db.waitForDrain(options.drainCapSeconds * 1000);
    const finalCounts = await ctx.db.statusCounts();
    results.executions = { byStatus: finalCounts, failedErrors: finalCounts.FAILED ? await ctx.db.recentErrors(5) : [] };
    ctx.rss.mark('after');
    await sleep(3000);
    ctx.rss.close('after');
    results.memory = {
      rest: ctx.rss.median('rest'),
      peak: Math.max(...[results.ingest, results.e2e, results.lastNode, results.effect.ingest, results.effect.e2e, results.effect.lastNode].map((phase) => phase.rssPeak ?? 0)),
      afterLoad: ctx.rss.median('after'),
      peakByPhase: { ingest: results.ingest.rssPeak, e2e: results.e2e.rssPeak, lastNode: results.lastNode.rssPeak, effect: { ingest: results.effect.ingest.rssPeak, e2e: results.effect.e2e.rssPeak, lastNode: results.effect.lastNode.rssPeak } },
    };
    const serviceWarnings = ctx.service.warnings;
    results.serviceWarningLines = ctx.service.warningLines;
    ctx.rss.stop();
    await stopService(ctx.service);
    ctx.service = undefined;

    step('db cost: the service again, through a counting proxy');
    results.dbCost = await dbCostPhase(ctx, { mode: 'single' });

    const queue = queueModeSupport(root, ctx.dist);
    if (queue.supported || options.forceQueueMode) {
      step('queue mode: api + worker');
      results.queueMode = await queueModePhase(ctx);
      step('queue mode db and Redis cost: api + worker again, through counting proxies');
      results.queueCost = await dbCostPhase(ctx, { mode: 'queue' });
    } else {
      results.queueMode = { skipped: `not available in this build (${queue.reason})` };
      step(`queue mode: not available in this build (${queue.reason})`);
    }

    results.environment.loadAverageAtEnd = loadavg()[0];
    if (ctx.otlpSink) results.tracing = { ratio: options.tracing, ...ctx.otlpSink.stats() };
    results.notes = notesFor(results, serviceWarnings);
    const rows = summaryRows(results);
    console.log(`\n${textTable(rows)}\n`);
    printStatements(results);
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
  finishOnePhase(ctx, results);
}

/** `--subworkflows`: the service alone, forEach and executeWorkflow throughput (bench/phases/subworkflows.mjs). */
async function runSubworkflows(ctx, results) {
  const { options } = ctx;
  step('starting the service');
  ctx.service = await startService(ctx.dist, { databaseUrl: ctx.databaseUrl, poolSize: options.poolSize, logLevel: options.logLevel });
  ctx.adminApiKey = secrets.adminApiKey;
  step(`subworkflows: a 1,000-element forEach, then a 100-element executeWorkflow forEach, ${options.subworkflowsRuns} runs each`);
  results.subworkflows = await subworkflowsPhase(ctx, { runs: options.subworkflowsRuns });
  finishOnePhase(ctx, results);
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
  finishOnePhase(ctx, results);
}

/** `--queue-only`: the single process only sets the workflows up, then api + worker run the queue-mode phases. */
async function runQueueOnly(ctx, results) {
  ctx.rss.stop();
  const service = ctx.service;
  await stopService(service);
  ctx.service = undefined;
  step('queue mode: api + worker');
  results.queueMode = await queueModePhase(ctx);
  step('queue mode db and Redis cost: api + worker again, through counting proxies');
  results.queueCost = await dbCostPhase(ctx, { mode: 'queue' });
  ctx.service = service;
  finishOnePhase(ctx, results);
  ctx.service = undefined;
  for (const [name, flow] of Object.entries(results.queueCost?.workflows ?? {})) {
    console.log(`statements per execution (queue, ${name}, burst):`);
    for (const statement of flow.burst.topStatements) console.log(`  ${String(statement.perExecution).padStart(6)}  ${statement.sql}`);
    if (flow.burst.topRedisCommands) console.log(`  Redis: ${flow.burst.topRedisCommands.map((command) => `${command.sql} ${command.perExecution}`).join(', ')}`);
    if (flow.sequential.topRedisCommands) console.log(`  Redis, one at a time: ${flow.sequential.topRedisCommands.map((command) => `${command.sql} ${command.perExecution}`).join(', ')}`);
  }
}

/** `--db-cost`: the single-server db cost phase alone, for both workflows (bench/phases/db-cost.mjs). */
async function runDbCost(ctx, results) {
  const { options } = ctx;
  step('starting the JSON server of the effect workflow and the service');
  ctx.jsonServer = await startJsonServer(root);
  serviceEnv.HTTP_ALLOWED_HOSTS = ctx.jsonServer.hostPort;
  ctx.service = await startService(ctx.dist, { databaseUrl: ctx.databaseUrl, poolSize: options.poolSize, logLevel: options.logLevel });
  ctx.workflows = {
    pure: await setUpWorkflow(ctx.service.baseUrl, secrets.adminApiKey),
    effect: await setUpWorkflow(ctx.service.baseUrl, secrets.adminApiKey, effectWorkflow(`${ctx.jsonServer.baseUrl}/notify`)),
  };
  // Stopped, not dropped: finishOnePhase reports the warnings it logged.
  await stopService(ctx.service);
  step('db cost: the service again, through a counting proxy');
  results.dbCost = await dbCostPhase(ctx, { mode: 'single' });
  printStatements(results);
  finishOnePhase(ctx, results);
}

/** How the one-phase runs (--schedules, --subworkflows, --concurrency, --db-cost, --queue-only) end: notes, the table, the results files. */
function finishOnePhase(ctx, results) {
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

/** The statements (and Redis commands) per execution of each workflow in a burst, from the db cost phases. */
function printStatements(results) {
  for (const cost of [results.dbCost, results.queueCost]) {
    for (const [name, flow] of Object.entries(cost?.workflows ?? {})) {
      console.log(`statements per execution (${cost.mode}, ${name}, burst):`);
      for (const statement of flow.burst.topStatements) console.log(`  ${String(statement.perExecution).padStart(6)}  ${statement.sql}`);
      if (flow.burst.topRedisCommands) console.log(`  Redis: ${flow.burst.topRedisCommands.map((command) => `${command.sql} ${command.perExecution}`).join(', ')}`);
      console.log('');
    }
  }
}

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exitCode = 1;
});
