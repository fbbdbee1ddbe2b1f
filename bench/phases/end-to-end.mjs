import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSecondsOf } from '../lib/cpu-usage.mjs';
import { post } from '../lib/load.mjs';

/**
 * Runs ingest load against `url` and measures executions reaching COMPLETED per second while it
 * runs (a count at the start and at the end), the backlog (PENDING + RUNNING) once per second, and
 * after the load stops how long the backlog takes to drain. Shared by the single-process and the
 * queue-mode phases. `pids`: the service's processes, whose CPU time over load and drain is divided
 * by the executions that finished (a count, unlike the rates, that other load on the machine does
 * not move much).
 */
export async function measureEndToEnd(ctx, url, { seconds, rate, pids = [] }) {
  const { options, db } = ctx;
  await db.waitForDrain(options.drainCapSeconds * 1000);
  const before = await db.statusCounts();
  const cpuBefore = cpuSecondsOf(pids);
  const started = Date.now();
  const timeline = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sleep(1000);
      if (!sampling) break;
      const counts = await db.statusCounts();
      timeline.push({ s: Math.round((Date.now() - started) / 100) / 10, completed: (counts.COMPLETED ?? 0) - (before.COMPLETED ?? 0), backlog: (counts.PENDING ?? 0) + (counts.RUNNING ?? 0) });
    }
  })();
  const load = await post(url, { connections: options.connections, duration: seconds, rate });
  sampling = false;
  const after = await db.statusCounts();
  const loadSeconds = (Date.now() - started) / 1000;
  // Drain timing starts now, not after the sampler's last sleep.
  const drain = await db.waitForDrain(options.drainCapSeconds * 1000);
  await sampler;
  const final = await db.statusCounts();
  const cpuSeconds = cpuSecondsOf(pids) - cpuBefore;
  const failed = (final.FAILED ?? 0) - (before.FAILED ?? 0);
  const completed = (after.COMPLETED ?? 0) - (before.COMPLETED ?? 0);
  const backlogAtEnd = (after.PENDING ?? 0) + (after.RUNNING ?? 0);
  const finished = (final.COMPLETED ?? 0) - (before.COMPLETED ?? 0);
  return {
    rate: rate ?? 'full speed',
    load,
    completedDuringLoad: completed,
    completedPerSecond: completed / loadSeconds,
    acceptedPerSecond: load.okPerSecond,
    backlogAtEnd,
    backlogGrowthPerSecond: backlogAtEnd / loadSeconds,
    maxBacklog: Math.max(backlogAtEnd, ...timeline.map((point) => point.backlog)),
    drain,
    // Everything accepted, over the time it took to run all of it: the sustainable rate.
    overallCompletedPerSecond: finished / (loadSeconds + drain.ms / 1000),
    cpuMicrosecondsPerExecution: pids.length && finished ? (cpuSeconds * 1e6) / finished : undefined,
    failed,
    failedErrors: failed ? await db.recentErrors(3) : [],
    timeline,
  };
}

/**
 * End to end (bench/README.md, second figure): first at full ingest speed, which shows how many executions
 * per second complete while ingest takes its share of the CPU and how long the backlog takes to
 * drain; then at a fixed rate just under that, which checks it is sustained with no backlog growth.
 */
export async function endToEndPhase(ctx, url, baselinePerSecond, { rss = ctx.rss, pids = [ctx.service.pid], fixedRate } = {}) {
  const { options } = ctx;
  rss?.mark('e2e');
  const fullSpeed = await measureEndToEnd(ctx, url, { seconds: options.e2eSeconds, pids });
  const rate = fixedRate ?? Math.max(1, Math.floor(0.9 * Math.min(fullSpeed.completedPerSecond, fullSpeed.overallCompletedPerSecond)));
  const sustained = await measureEndToEnd(ctx, url, { seconds: options.e2eSeconds, rate, pids });
  rss?.close('e2e');
  return {
    fullSpeed,
    sustained,
    ratio: fullSpeed.completedPerSecond / baselinePerSecond,
    // Everything accepted at full speed over load plus drain: what the issue calls end to end.
    overallRatio: fullSpeed.overallCompletedPerSecond / baselinePerSecond,
    rssPeak: rss?.peak('e2e'),
  };
}
