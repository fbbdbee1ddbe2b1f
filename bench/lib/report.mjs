import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MB = 1024 * 1024;
const fixed = (value, digits = 0) => (value === undefined || value === null || Number.isNaN(value) ? '–' : Number(value).toFixed(digits));
const rate = (value) => `${fixed(value)}/s`;
const ms = (value) => `${fixed(value, value < 10 ? 1 : 0)} ms`;
const mb = (bytes) => (bytes === undefined ? '–' : `${fixed(bytes / MB)} MB`);
const times = (value) => `${fixed(value, 2)}×`;
const verdict = (ok) => (ok === undefined ? '' : ok ? 'PASS' : 'MISS');

/** The figures of bench/README.md and issue 6, one row each: figure, value, baseline, ratio, target, verdict. */
export function summaryRows(results) {
  const rows = [];
  const add = (figure, value, baseline = '', ratio = '', target = '', ok = undefined) => rows.push({ figure, value, baseline, ratio, target, verdict: verdict(ok) });
  const { ingest, e2e, lastNode, memory, dbCost, queueMode, schedules, subworkflows, concurrency } = results;
  if (subworkflows) {
    const { pureForEach: pure, executeWorkflowForEach: children } = subworkflows;
    add(`forEach: ${pure.elements} elements over a set node, elements/s`, `${rate(pure.elementsPerSecond)} (POST → 200 in ${ms(pure.msMedian)}, median of ${subworkflows.runs})`);
    add(`executeWorkflow forEach: ${children.children} children, ${children.concurrency} at a time, children/s`, `${rate(children.childrenPerSecond)} (POST → parent COMPLETED in ${ms(children.msMedian)}, median of ${subworkflows.runs})`);
  }
  if (concurrency) {
    const c = concurrency;
    for (const name of ['unlimited', 'keyed']) {
      const run = c[name];
      const label = name === 'keyed' ? `keyed: ${c.keys} customers, { limit: ${c.limit}, key }` : 'no limit';
      add(`concurrency, ${label}: COMPLETED/s`, `${rate(run.completedPerSecond)} (${run.completed} of ${run.executions} in ${fixed(run.seconds, 1)} s)`, '', '', name === 'keyed' ? `max ${c.limit} in flight per customer` : '', name === 'keyed' ? run.maxInFlightPerKey <= c.limit && run.completed === run.executions : run.completed === run.executions);
      add(`concurrency, ${label}: most calls in flight for one customer`, String(run.maxInFlightPerKey));
    }
    add('concurrency: keyed / no limit', times(c.ratio));
  }
  if (schedules) {
    const s = schedules;
    add(`schedules: ${s.schedules} active, once a minute each`, `${s.fired} of ${s.expectedFirings} due times fired in ${s.windowSeconds} s (${rate(s.firingsPerSecond)})`, '', '', 'none missed', s.missed === 0);
    add('schedules: missed / doubled / skipped', `${s.missed} / ${s.doubled} / ${s.skipped}`, '', '', '0 / 0 / 0', s.missed === 0 && s.doubled === 0);
    add('schedules: firing lag p50 / p99 / max', `${ms(s.lagMs.p50)} / ${ms(s.lagMs.p99)} / ${ms(s.lagMs.max)}`, '', '', 'p99 < 1 s', s.lagMs.p99 !== null && s.lagMs.p99 < 1000);
    add('schedules: CPU at rest (none due), cores', `service ${fixed(s.cpuAtRest.serviceCores, 4)}, postgres ${fixed(s.cpuAtRest.postgresCores, 4)} (the bench database's backends)`, '', '', 'near zero');
    add('schedules: CPU while firing, cores', `service ${fixed(s.cpuFiring.serviceCores, 3)}, postgres ${fixed(s.cpuFiring.postgresCores, 3)}`);
    add('schedules: set-up through the API', `create ${fixed(s.createSeconds, 1)} s, edit ${fixed(s.editSeconds, 1)} s`);
  }
  const blocks = [{ label: '', flow: { ingest, e2e, lastNode }, pure: true }];
  if (results.effect) blocks.push({ label: 'effect: ', flow: results.effect });
  for (const [name, flow] of Object.entries(queueMode?.workflows ?? {})) blocks.push({ label: `queue mode (api + worker), ${name}: `, flow: { ingest: flow.ingest, e2e: flow.endToEnd, lastNode: flow.lastNode } });
  for (const { label, flow, pure } of blocks) {
    if (flow.ingest) {
      const i = flow.ingest;
      add(`${label}ingest onReceived 2xx/s (50 conn)`, rate(i.service.okPerSecond), rate(i.baseline.okPerSecond), times(i.ratio), pure ? '≥ 1.0× baseline' : '');
      add(`${label}ingest latency p50 / p99`, `${ms(i.service.latencyMs.p50)} / ${ms(i.service.latencyMs.p99)}`, `${ms(i.baseline.latencyMs.p50)} / ${ms(i.baseline.latencyMs.p99)}`);
      add(`${label}ingest non-2xx / socket errors`, `${i.service.non2xx} / ${i.service.errors}`, `${i.baseline.non2xx} / ${i.baseline.errors}`, '', '0', i.service.non2xx + i.service.errors === 0);
      add(`${label}ingest: backlog at end / drain time`, `${i.backlogAtEnd} / ${fixed(i.drain.ms / 1000, 1)} s${i.drain.drained ? '' : ` (cap hit, ${i.drain.left} left)`}`);
    }
    if (flow.e2e) {
      const baselineRate = flow.ingest?.baseline.okPerSecond;
      const full = flow.e2e.fullSpeed;
      add(`${label}e2e COMPLETED/s during full-speed ingest`, rate(full.completedPerSecond), rate(baselineRate), times(flow.e2e.ratio), pure ? '≥ 0.5× baseline' : '', pure ? flow.e2e.ratio >= 0.5 : undefined);
      add(`${label}e2e full speed: accepted/s, backlog at end, drain`, `${rate(full.acceptedPerSecond)}, ${full.backlogAtEnd}, ${fixed(full.drain.ms / 1000, 1)} s${full.drain.drained ? '' : ` (cap hit, ${full.drain.left} left)`}`);
      add(`${label}e2e all accepted / (load + drain)`, rate(full.overallCompletedPerSecond), rate(baselineRate), times(full.overallCompletedPerSecond / baselineRate));
      add(`${label}service CPU per execution (load + drain)`, full.cpuMicrosecondsPerExecution === undefined ? '–' : `${fixed(full.cpuMicrosecondsPerExecution)} µs`);
      const held = flow.e2e.sustained;
      add(`${label}e2e sustained at ${held.rate}/s: COMPLETED/s`, rate(held.completedPerSecond), '', '', `≈ accepted ${rate(held.acceptedPerSecond)}`, held.completedPerSecond >= held.acceptedPerSecond * 0.95);
      // What is queued when the load stops is in flight, not growth, while it is under a second's worth.
      add(`${label}e2e sustained at ${held.rate}/s: backlog end / max`, `${held.backlogAtEnd} / ${held.maxBacklog}`, '', '', `end ≤ 1 s of load (${held.rate})`, held.backlogAtEnd <= held.rate);
      if (held.failed + full.failed) add(`${label}e2e FAILED executions`, String(held.failed + full.failed), '', '', '0', false);
    }
    if (flow.lastNode) {
      const l = flow.lastNode;
      add(`${label}lastNode round trip p50 / p99 (50 conn)`, `${ms(l.load.latencyMs.p50)} / ${ms(l.load.latencyMs.p99)}`, '', '', 'p99 < 50 ms', l.load.latencyMs.p99 < 50);
      add(`${label}lastNode answers/s; non-200`, `${rate(l.answered200 / l.load.seconds)}; ${l.load.requests - l.answered200 + l.load.errors}`);
    }
  }
  if (results.effect?.outsideApi) add('effect: outside API connections / requests (keep-alive reuse)', `${results.effect.outsideApi.connections} / ${results.effect.outsideApi.requests}`);
  if (results.executions) {
    const failed = results.executions.byStatus.FAILED ?? 0;
    add('FAILED executions, all single-process phases', String(failed), '', '', '0', failed === 0);
  }
  if (memory) {
    add('RSS at rest', mb(memory.rest));
    add('RSS peak under load', mb(memory.peak));
    add('RSS at rest after load', mb(memory.afterLoad));
  }
  for (const cost of [dbCost, results.queueCost]) {
    for (const [name, flow] of Object.entries(cost?.workflows ?? {})) {
      const label = `${cost.mode === 'queue' ? 'queue mode' : 'single server'}, ${name}:`;
      const seq = flow.sequential;
      const burst = flow.burst.perExecution;
      add(`${label} one at a time POST → 202, then → COMPLETED (median)`, `${ms(seq.ingestMsMedian)}, then ${ms(seq.runMsMedian)}`);
      add(`${label} DB round trips ingest / run beyond it (one at a time, median)`, `${fixed(seq.ingestRoundTripsMedian)} / ${fixed(seq.runRoundTripsMedian)}`);
      add(`${label} DB statements / transactions per execution, one at a time`, `${fixed(seq.perExecution.statements, 2)} / ${fixed(seq.perExecution.transactions, 2)}`);
      add(`${label} DB statements / transactions per execution, burst`, `${fixed(burst.statements, 2)} / ${fixed(burst.transactions, 2)}`, '', '', name === 'effect' ? 'writes ≤ 2' : '');
      if (flow.burst.pgStatTransactionsPerExecution !== undefined) add(`${label} pg_stat_database transactions per execution, burst`, fixed(flow.burst.pgStatTransactionsPerExecution, 2));
      const writes = flow.burst.executionRowWritesPerExecution;
      if (writes) add(`${label} workflow_executions row inserts / updates per execution`, `${fixed(writes.inserts, 2)} / ${fixed(writes.updates, 2)}`);
      if (burst.redisCommands !== undefined) add(`${label} Redis commands / writes per execution, burst`, `${fixed(burst.redisCommands, 2)} / ${fixed(burst.redisWrites, 2)}`);
      if (seq.perExecution.redisCommands !== undefined) add(`${label} Redis commands / writes per execution, one at a time`, `${fixed(seq.perExecution.redisCommands, 2)} / ${fixed(seq.perExecution.redisWrites, 2)}`);
    }
  }
  if (queueMode?.skipped) add('queue mode', queueMode.skipped);
  else if (queueMode) add('queue mode: RSS peak api / worker', `${mb(queueMode.rssPeak.api)} / ${mb(queueMode.rssPeak.worker)}`);
  return rows;
}

const COLUMNS = ['figure', 'value', 'baseline', 'ratio', 'target', 'verdict'];

export function textTable(rows) {
  const widths = COLUMNS.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd();
  return [line(COLUMNS), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(COLUMNS.map((column) => row[column])))].join('\n');
}

function markdown(results, rows) {
  const lines = [
    `# Bench ${results.startedAt}${results.options.quick ? ' (quick)' : ''}`,
    '',
    `Node ${results.environment.node}, PostgreSQL ${results.environment.postgres}, ${results.environment.cpus} × ${results.environment.cpuModel}, commit ${results.environment.commit}; load average ${fixed(results.environment.loadAverageAtStart, 1)} before the run, ${fixed(results.environment.loadAverageAtEnd, 1)} at its end.`,
    results.subworkflows
      ? `--subworkflows: ${results.subworkflows.runs} runs of each, one at a time, after one warm-up run; pool ${results.options.poolSize}; one service, no baseline.`
      : results.concurrency
      ? `--concurrency: ${results.concurrency.unlimited.executions} executions per run, trigger → HTTP Request (a local target answering after ${results.concurrency.holdMs} ms) → set, 50 senders, pool ${results.options.poolSize}; one service, no baseline.`
      : results.schedules
      ? `--schedules: ${results.schedules.schedules} schedules, a ${results.schedules.windowSeconds} s firing window, pool ${results.options.poolSize}; one service, no baseline.`
      : `${results.options.connections} connections, pool ${results.options.poolSize}; ingest ${results.options.ingestSeconds} s, end to end ${results.options.e2eSeconds} s, lastNode ${results.options.lastNodeSeconds} s. Load generator on the same machine.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${COLUMNS.map((column) => String(row[column]).replace(/\|/g, '\\|')).join(' | ')} |`),
  ];
  for (const cost of [results.dbCost, results.queueCost]) {
    for (const [name, flow] of Object.entries(cost?.workflows ?? {})) {
      lines.push('', `## Statements per execution (${cost.mode}, ${name}, burst)`, '', '| per execution | statement |', '|---|---|');
      for (const statement of flow.burst.topStatements) lines.push(`| ${statement.perExecution} | \`${statement.sql.replace(/\|/g, '\\|')}\` |`);
      for (const command of flow.burst.topRedisCommands ?? []) lines.push(`| ${command.perExecution} | Redis \`${command.sql}\` |`);
    }
  }
  if (results.notes.length) lines.push('', '## Notes', '', ...results.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

/** Writes bench/results/<timestamp>.json and .md; returns their paths. */
export function writeResults(dir, results, rows) {
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const json = join(dir, `${stamp}${results.options.quick ? '-quick' : ''}.json`);
  const md = join(dir, `${stamp}${results.options.quick ? '-quick' : ''}.md`);
  writeFileSync(json, `${JSON.stringify({ ...results, summary: rows }, null, 2)}\n`);
  writeFileSync(md, markdown(results, rows));
  return { json, md };
}
