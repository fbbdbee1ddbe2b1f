import { setTimeout as sleep } from 'node:timers/promises';
import { figures, waitAllFinal } from '../lib/database.mjs';
import { describeFigures, FAST_RECOVERY, judge, seconds } from '../lib/harness.mjs';
import { sendWebhooks } from '../lib/load.mjs';
import { postgresRestartBlocker, restartPostgres } from '../lib/local-servers.mjs';
import { createPureWebhook } from '../lib/service-api.mjs';

const TOTAL = 1000;
const RESTART_AT = 300;
const CONCURRENCY = Number(FAST_RECOVERY.EXECUTION_CONCURRENCY);

/**
 * PostgreSQL restarts while a single server and a queue-mode pair (api + worker, on a database of
 * their own) take webhooks: no process may exit, nothing may be answered 2xx without a committed
 * row (503 with Retry-After meanwhile), and everything accepted completes afterwards.
 */
export async function databaseRestart(scenario) {
  const blocker = postgresRestartBlocker(scenario.suite.serverUrl);
  if (blocker) return scenario.skip(blocker);
  const setups = [];
  const singleDb = await scenario.database('pgrestart_single');
  const single = await scenario.service('server', { DATABASE_URL: singleDb.url });
  await single.start();
  setups.push({ label: 'single server', db: singleDb, entry: single, executing: [single] });
  if (scenario.suite.redis.ok) {
    const queueDb = await scenario.database('pgrestart_queue');
    const api = await scenario.service('api', { DATABASE_URL: queueDb.url, APP_ROLE: 'api' }, { queue: true });
    const worker = await scenario.service('worker', { DATABASE_URL: queueDb.url, APP_ROLE: 'worker' }, { queue: true });
    await api.start();
    await worker.start();
    setups.push({ label: 'queue mode', db: queueDb, entry: api, executing: [worker] });
  } else {
    scenario.print(`queue mode part skipped: ${scenario.suite.redis.reason}`);
  }
  for (const setup of setups) setup.hook = await createPureWebhook(setup.entry.url);

  let restart;
  const loads = await Promise.all(
    setups.map((setup, index) =>
      sendWebhooks({
        url: setup.entry.url + setup.hook.path,
        total: TOTAL,
        concurrency: 50,
        keyPrefix: `${scenario.name}-${index}`,
        onAccepted: (count) => {
          if (index === 0 && count >= RESTART_AT && !restart) restart = restartPostgres().then((ms) => ({ ms }), (error) => ({ error }));
        },
      }),
    ),
  );
  const restarted = await restart;
  if (restarted?.error) scenario.check(false, `pg_ctlcluster restart failed: ${restarted.error.message}`);
  else scenario.print(`PostgreSQL restarted (pg_ctlcluster took ${seconds(restarted?.ms)})`);

  for (const [index, setup] of setups.entries()) {
    const load = loads[index];
    const drainMs = await waitAllFinal(setup.db.url, setup.hook.id, 60_000).catch((error) => {
      scenario.check(false, `${setup.label}: ${error.message}`);
      return null;
    });
    const result = await figures(setup.db.url, setup.hook.id, load.answers);
    // At most what the executing processes held when the database went away runs again.
    const bound = setup.executing.length * CONCURRENCY;
    scenario.print(`${setup.label}:`);
    for (const line of describeFigures(result, load, bound)) scenario.print(`  ${line}`);
    scenario.print(`  all executions final ${seconds(drainMs)} after the load ended`);
    const before = scenario.result.problems.length;
    judge(scenario, result, load, TOTAL, bound);
    for (let i = before; i < scenario.result.problems.length; i++) scenario.result.problems[i] = `${setup.label}: ${scenario.result.problems[i]}`;
  }
  // Still there, and ready again once the database answers.
  await sleep(200);
  for (const service of scenario.processes) {
    scenario.check(service.alive, `${service.name} is not running after the database restart`);
    if (service.alive) await service.waitReady(service.child, 15_000).catch((error) => scenario.check(false, error.message));
  }
  scenario.noUnexpectedExits();
}
