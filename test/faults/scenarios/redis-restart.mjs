import { figures, waitAllFinal } from '../lib/database.mjs';
import { describeFigures, FAST_RECOVERY, judge, seconds } from '../lib/harness.mjs';
import { sendWebhooks } from '../lib/load.mjs';
import { redisRestartBlocker, startRedis, stopRedis } from '../lib/local-servers.mjs';
import { createPureWebhook } from '../lib/service-api.mjs';
import { setTimeout as sleep } from 'node:timers/promises';

const TOTAL = 2000;
const STOP_AT = 600;
const DOWN_MS = 2000;
const CONCURRENCY = Number(FAST_RECOVERY.EXECUTION_CONCURRENCY);

/**
 * Redis (no persistence, as here) stops and starts again under load in queue mode: the jobs it
 * held are gone, so the workers' sweep must find the executions in Postgres; every accepted
 * webhook completes, and no process exits.
 */
export async function redisRestart(scenario) {
  if (!scenario.suite.redis.ok) return scenario.skip(scenario.suite.redis.reason);
  const blocker = redisRestartBlocker(scenario.suite.redisUrl);
  if (blocker) return scenario.skip(blocker);
  const db = await scenario.database('redisrestart');
  const api = await scenario.service('api', { DATABASE_URL: db.url, APP_ROLE: 'api' }, { queue: true });
  const workers = [await scenario.service('worker1', { DATABASE_URL: db.url, APP_ROLE: 'worker' }, { queue: true }), await scenario.service('worker2', { DATABASE_URL: db.url, APP_ROLE: 'worker' }, { queue: true })];
  await api.start();
  await Promise.all(workers.map((worker) => worker.start()));
  const hook = await createPureWebhook(api.url);

  let outage;
  try {
    const load = await sendWebhooks({
      url: api.url + hook.path,
      total: TOTAL,
      concurrency: 100,
      keyPrefix: scenario.name,
      onAccepted: (count) => {
        if (count < STOP_AT || outage) return;
        outage = (async () => {
          const stopped = Date.now();
          await stopRedis();
          await sleep(DOWN_MS);
          await startRedis();
          return { downMs: Date.now() - stopped };
        })().catch((error) => ({ error }));
      },
    });
    const restarted = await outage;
    if (restarted?.error) scenario.check(false, `Redis restart failed: ${restarted.error.message}`);
    else scenario.print(`Redis stopped (shutdown nosave) and started again: down for ${seconds(restarted?.downMs)}`);
    const drainMs = await waitAllFinal(db.url, hook.id, 60_000).catch((error) => {
      scenario.check(false, error.message);
      return null;
    });
    const result = await figures(db.url, hook.id, load.answers);
    // Executions running during the outage finish in Postgres; only jobs re-delivered after it
    // can re-run, and a claim refuses those. Allow what both workers can hold.
    const bound = workers.length * CONCURRENCY;
    for (const line of describeFigures(result, load, bound)) scenario.print(line);
    scenario.print(`all executions final ${seconds(drainMs)} after the load ended`);
    judge(scenario, result, load, TOTAL, bound);
    for (const service of scenario.processes) {
      if (service.alive) await service.waitReady(service.child, 15_000).catch((error) => scenario.check(false, error.message));
    }
    scenario.noUnexpectedExits();
  } finally {
    // Whatever happened, Redis is left running as it was found.
    await outage?.catch(() => undefined);
    await startRedis().catch((error) => scenario.check(false, `could not start Redis again: ${error.message}`));
  }
}
