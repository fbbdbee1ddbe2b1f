import { setTimeout as sleep } from 'node:timers/promises';
import { query, waitAllFinal } from '../lib/database.mjs';
import { seconds } from '../lib/harness.mjs';
import { sendWebhooks } from '../lib/load.mjs';
import { createFailingWebhooks } from '../lib/service-api.mjs';

const PER_HOOK = 150;
const KILL_AT = [50, 120, 200];

/**
 * A single server SIGKILLed three times while a few hundred executions fail (half in a pure node,
 * half on a refused outside call) and their error workflow is being started: afterwards every FAILED
 * execution has exactly one error execution, none missing, none doubled (docs/failure-handling.md).
 */
export async function errorWorkflowKills(scenario) {
  const db = await scenario.database('errors');
  const server = await scenario.service('server', { DATABASE_URL: db.url });
  await server.start();
  const { handlerId, hooks } = await createFailingWebhooks(server.url);
  const kills = [];
  let chaos = Promise.resolve();
  const due = [...KILL_AT];
  let accepted = 0;
  const onAccepted = () => {
    accepted++;
    while (due.length && accepted >= due[0]) {
      due.shift();
      chaos = chaos.then(async () => {
        const at = Date.now();
        await server.kill();
        await server.start();
        kills.push(Date.now() - at);
      }).catch((error) => scenario.check(false, `kill and restart failed: ${error.message}`));
    }
  };
  const loads = await Promise.all(
    hooks.map((hook, i) => sendWebhooks({ url: server.url + hook.path, total: PER_HOOK, concurrency: 20, keyPrefix: `${scenario.name}-${i}`, onAccepted })),
  );
  await chaos;
  for (const hook of hooks) await waitAllFinal(db.url, hook.id, 60_000).catch((error) => scenario.check(false, error.message));
  // The outbox drains within a few relay passes once the server is up.
  const deadline = Date.now() + 30_000;
  let waiting = -1;
  while (Date.now() < deadline) {
    waiting = Number((await query(db.url, 'SELECT count(*) AS n FROM error_workflow_outbox'))[0].n);
    if (waiting === 0) break;
    await sleep(200);
  }
  const failed = await query(db.url, `SELECT id FROM workflow_executions WHERE "webhookId" = ANY($1::uuid[]) AND status = 'FAILED'`, [hooks.map((hook) => hook.id)]);
  const reports = await query(db.url, `SELECT "triggerData"->'body'->'execution'->>'id' AS failed, count(*)::int AS n FROM workflow_executions WHERE "workflowId" = $1 AND mode = 'error' GROUP BY 1`, [handlerId]);
  const byFailed = new Map(reports.map((row) => [row.failed, row.n]));
  const missing = failed.filter((row) => !byFailed.has(row.id)).length;
  const doubled = reports.filter((row) => row.n > 1).length;
  const stray = reports.filter((row) => !failed.some((f) => f.id === row.failed)).length;
  const total = loads.reduce((sum, load) => sum + load.stats.accepted, 0);
  scenario.print(`accepted ${total}, FAILED ${failed.length}, error executions ${reports.reduce((sum, row) => sum + row.n, 0)}: missing ${missing}, doubled ${doubled}, for unknown executions ${stray}; outbox rows left ${waiting}`);
  scenario.print(`SIGKILLs: ${kills.length}, back up in ${kills.map(seconds).join(', ')}`);
  scenario.check(kills.length === KILL_AT.length, `only ${kills.length} of ${KILL_AT.length} kills happened`);
  scenario.check(failed.length === PER_HOOK * hooks.length, `${failed.length} FAILED executions, expected ${PER_HOOK * hooks.length}`);
  scenario.check(missing === 0, `${missing} FAILED executions have no error execution`);
  scenario.check(doubled === 0, `${doubled} FAILED executions have more than one error execution`);
  scenario.check(stray === 0, `${stray} error executions report an execution that did not fail`);
  scenario.check(waiting === 0, `${waiting} outbox rows were never relayed`);
  scenario.noUnexpectedExits();
}
