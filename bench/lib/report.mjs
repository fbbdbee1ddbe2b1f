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
  const { ingest, e2e, lastNode, memory, dbCost, queueMode, schedules, concurrency } = results;
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
  if (ingest) {
    add('ingest onReceived 2xx/s (50 conn)', rate(ingest.service.okPerSecond), rate(ingest.baseline.okPerSecond), times(ingest.ratio), '≥ 1.0× baseline', ingest.ratio >= 1);
    add('ingest latency p50', ms(ingest.service.latencyMs.p50), ms(ingest.baseline.latencyMs.p50));
    add('ingest latency p99', ms(ingest.service.latencyMs.p99), ms(ingest.baseline.latencyMs.p99));
    add('ingest non-2xx / socket errors', `${ingest.service.non2xx} / ${ingest.service.errors}`, `${ingest.baseline.non2xx} / ${ingest.baseline.errors}`, '', '0', ingest.service.non2xx + ingest.service.errors === 0);
    add('ingest: backlog at end / drain time', `${ingest.backlogAtEnd} / ${fixed(ingest.drain.ms / 1000, 1)} s${ingest.drain.drained ? '' : ` (cap hit, ${ingest.drain.left} left)`}`);
  }
  if (e2e) {
    const full = e2e.fullSpeed;
    add('e2e COMPLETED/s during full-speed ingest', rate(full.completedPerSecond), rate(ingest?.baseline.okPerSecond), times(e2e.ratio), '≥ 0.5× baseline', e2e.ratio >= 0.5);
    add('e2e full speed: accepted/s, backlog at end', `${rate(full.acceptedPerSecond)}, ${full.backlogAtEnd}`);
    add('e2e full speed: drain time after load', `${fixed(full.drain.ms / 1000, 1)} s${full.drain.drained ? '' : ` (cap hit, ${full.drain.left} left)`}`);
    add('e2e full speed: all accepted / (load + drain)', rate(full.overallCompletedPerSecond), rate(ingest?.baseline.okPerSecond), times(full.overallCompletedPerSecond / ingest?.baseline.okPerSecond));
    const held = e2e.sustained;
    add(`e2e sustained at ${held.rate}/s: COMPLETED/s`, rate(held.completedPerSecond), '', '', `≈ accepted ${rate(held.acceptedPerSecond)}`, held.completedPerSecond >= held.acceptedPerSecond * 0.95);
    // What is queued when the load stops is in flight, not growth, while it is under a second's worth.
    add(`e2e sustained at ${held.rate}/s: backlog end / max`, `${held.backlogAtEnd} / ${held.maxBacklog}`, '', '', `end ≤ 1 s of load (${held.rate})`, held.backlogAtEnd <= held.rate);
  }
  if (results.executions) {
    const failed = results.executions.byStatus.FAILED ?? 0;
    add('FAILED executions, all single-process phases', String(failed), '', '', '0', failed === 0);
  }
  if (lastNode) {
    add('lastNode round trip p50 (50 conn)', ms(lastNode.load.latencyMs.p50));
    add('lastNode round trip p99 (50 conn)', ms(lastNode.load.latencyMs.p99), '', '', '< 50 ms', lastNode.load.latencyMs.p99 < 50);
    add('lastNode answers/s; non-200', `${rate(lastNode.answered200 / lastNode.load.seconds)}; ${lastNode.load.requests - lastNode.answered200 + lastNode.load.errors}`);
  }
  if (memory) {
    add('RSS at rest', mb(memory.rest));
    add('RSS peak under load', mb(memory.peak));
    add('RSS at rest after load', mb(memory.afterLoad));
  }
  if (dbCost) {
    const seq = dbCost.sequential;
    add('one at a time: POST → 202, then 202 → COMPLETED (median)', `${ms(seq.ingestMsMedian)}, then ${ms(seq.runMsMedian)}`);
    add('DB round trips: ingest (one at a time, median)', fixed(seq.ingestRoundTripsMedian));
    add('DB round trips: run beyond ingest (median)', fixed(seq.runRoundTripsMedian), '', '', '≤ 2', seq.runRoundTripsMedian <= 2);
    add('DB round trips per execution, one at a time', fixed(seq.perExecution.roundTrips, 2));
    add('DB round trips per execution, burst of 50 conn', fixed(dbCost.burst.perExecution.roundTrips, 2));
    add('DB statements / transactions per execution, burst', `${fixed(dbCost.burst.perExecution.statements, 2)} / ${fixed(dbCost.burst.perExecution.transactions, 2)}`);
    add('pg_stat_database transactions per execution, burst', fixed(dbCost.burst.pgStatTransactionsPerExecution, 2));
    const writes = dbCost.burst.executionRowWritesPerExecution;
    add('workflow_executions row inserts / updates per execution', `${fixed(writes.inserts, 2)} / ${fixed(writes.updates, 2)}`);
  }
  if (queueMode) {
    if (queueMode.skipped) add('queue mode', queueMode.skipped);
    else {
      const base = ingest?.baseline.okPerSecond;
      const { ingest: queued, endToEnd: flow } = queueMode;
      add('queue mode (api + worker): ingest 2xx/s', rate(queued.okPerSecond), rate(base), times(queued.okPerSecond / base));
      add('queue mode: ingest p50 / p99', `${ms(queued.latencyMs.p50)} / ${ms(queued.latencyMs.p99)}`);
      add('queue mode: e2e COMPLETED/s during full-speed ingest', rate(flow.completedPerSecond), rate(base), times(flow.completedPerSecond / base));
      add('queue mode: e2e backlog at end / drain time', `${flow.backlogAtEnd} / ${fixed(flow.drain.ms / 1000, 1)} s${flow.drain.drained ? '' : ` (cap hit, ${flow.drain.left} left)`}`);
      add('queue mode: FAILED executions', String(flow.failed), '', '', '0', flow.failed === 0);
      add('queue mode: RSS peak api / worker', `${mb(queueMode.rssPeak.api)} / ${mb(queueMode.rssPeak.worker)}`);
    }
  }
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
    results.concurrency
      ? `--concurrency: ${results.concurrency.unlimited.executions} executions per run, trigger → HTTP Request (a local target answering after ${results.concurrency.holdMs} ms) → set, 50 senders, pool ${results.options.poolSize}; one service, no baseline.`
      : results.schedules
      ? `--schedules: ${results.schedules.schedules} schedules, a ${results.schedules.windowSeconds} s firing window, pool ${results.options.poolSize}; one service, no baseline.`
      : `${results.options.connections} connections, pool ${results.options.poolSize}; ingest ${results.options.ingestSeconds} s, end to end ${results.options.e2eSeconds} s, lastNode ${results.options.lastNodeSeconds} s. Load generator on the same machine.`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${COLUMNS.map((column) => String(row[column]).replace(/\|/g, '\\|')).join(' | ')} |`),
  ];
  if (results.dbCost?.burst.topStatements.length) {
    lines.push('', '## Statements per execution (burst)', '', '| per execution | statement |', '|---|---|');
    for (const statement of results.dbCost.burst.topStatements) lines.push(`| ${statement.perExecution} | \`${statement.sql.replace(/\|/g, '\\|')}\` |`);
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
