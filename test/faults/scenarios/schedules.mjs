import { setTimeout as sleep } from 'node:timers/promises';
import { query } from '../lib/database.mjs';
import { seconds } from '../lib/harness.mjs';
import { ADMIN_KEY } from '../lib/processes.mjs';
import { createScheduledWorkflow } from '../lib/service-api.mjs';

const INTERVAL_MS = 1000;
const RUN_MS = 24_000;
const KILL_AT_MS = [6_000, 14_000];

/**
 * Three single servers on one database fire a 1-second schedule while one of them is SIGKILLed twice
 * (and started again at once): every due time of the run becomes exactly one execution, none missing,
 * none doubled (docs/schedules.md), and every firing completes.
 */
export async function scheduleKills(scenario) {
  const db = await scenario.database('schedules');
  const replicas = [];
  for (const name of ['one', 'two', 'three']) replicas.push(await scenario.service(name, { DATABASE_URL: db.url }));
  await Promise.all(replicas.map((replica) => replica.start()));
  const workflowId = await createScheduledWorkflow(replicas[0].url, INTERVAL_MS);
  const startedAt = Date.now();
  const kills = [];
  for (const at of KILL_AT_MS) {
    await sleep(Math.max(0, startedAt + at - Date.now()));
    const victim = replicas[kills.length % replicas.length];
    const killedAt = Date.now();
    await victim.kill();
    await victim.start();
    kills.push({ name: victim.name, backMs: Date.now() - killedAt });
  }
  await sleep(Math.max(0, startedAt + RUN_MS - Date.now()));
  // Stop the timetable, then let what fired finish.
  const stop = await fetch(`${replicas[0].url}/workflows/${workflowId}/deactivate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  scenario.check(stop.ok, `deactivating the schedule answered ${stop.status}`);
  const deadline = Date.now() + 30_000;
  let unfinished = -1;
  while (Date.now() < deadline) {
    unfinished = Number((await query(db.url, `SELECT count(*) AS n FROM workflow_executions WHERE "workflowId" = $1 AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED')`, [workflowId]))[0].n);
    if (unfinished === 0) break;
    await sleep(200);
  }
  const rows = await query(db.url, `SELECT "idempotencyKey" AS key, count(*)::int AS n, min(status) AS status FROM workflow_executions WHERE "workflowId" = $1 AND mode = 'schedule' GROUP BY 1 ORDER BY 1`, [workflowId]);
  const due = rows.map((row) => Date.parse(row.key)).sort((a, b) => a - b);
  let gaps = 0;
  for (let i = 1; i < due.length; i++) gaps += Math.round((due[i] - due[i - 1]) / INTERVAL_MS) - 1;
  const doubled = rows.filter((row) => row.n > 1).length;
  const failed = rows.filter((row) => row.status !== 'COMPLETED').length;
  scenario.print(`${rows.length} due times fired over ${seconds(RUN_MS)} by 3 replicas: missing ${gaps}, doubled ${doubled}, not COMPLETED ${failed}, unfinished ${unfinished}`);
  scenario.print(`SIGKILLs: ${kills.map((kill) => `${kill.name} back in ${seconds(kill.backMs)}`).join(', ')}`);
  scenario.check(rows.length >= (RUN_MS / INTERVAL_MS) * 0.7, `only ${rows.length} due times fired in ${RUN_MS / 1000} s`);
  scenario.check(gaps === 0, `${gaps} due times between the first and the last firing were never fired`);
  scenario.check(doubled === 0, `${doubled} due times fired more than once`);
  scenario.check(failed === 0, `${failed} firings did not complete`);
  scenario.check(unfinished === 0, `${unfinished} firings never finished`);
  scenario.noUnexpectedExits();
}
