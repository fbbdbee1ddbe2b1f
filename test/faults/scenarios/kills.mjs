import { figures, firstBusy, firstRecoveredAt, runningUnder, waitAllFinal } from '../lib/database.mjs';
import { describeFigures, judge, seconds } from '../lib/harness.mjs';
import { sendWebhooks } from '../lib/load.mjs';
import { createPureWebhook } from '../lib/service-api.mjs';

const TOTAL = 2000;
const SENDERS = 100;
const KILL_AT = [400, 900, 1400];
/** Few slots per worker, so that both stay busy and a kill finds work in flight. */
const WORKER_CONCURRENCY = 5;

/**
 * SIGKILLs one of `candidates` (the first seen holding work) at three points of a 2,000-webhook run and starts each again at once; every
 * webhook answered 2xx must end COMPLETED exactly once, and re-runs stay within what the killed
 * processes can have had in flight.
 */
async function killDuringLoad(scenario, db, hookUrl, hookId, candidates) {
  const kills = [];
  const restarts = [];
  let chaos = Promise.resolve();
  const due = [...KILL_AT];
  const onAccepted = (count) => {
    while (due.length && count >= due[0]) {
      due.shift();
      chaos = chaos
        .then(async () => {
          // With several candidates, one restarting while the next kill is due is fine: only the
          // ones up are candidates. A single server must be back before it can be killed again.
          let up = candidates.filter((candidate) => candidate.ready);
          for (let waited = 0; !up.length && waited < 90_000; waited += 50) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            up = candidates.filter((candidate) => candidate.ready);
          }
          if (!up.length) throw new Error('no process came back up to be killed');
          const busyPid = await firstBusy(db.url, up.map((candidate) => candidate.pid));
          const busy = busyPid !== undefined;
          const victim = up.find((candidate) => candidate.pid === busyPid) ?? up[kills.length % up.length];
          const pid = victim.pid;
          const at = Date.now();
          await victim.kill();
          // Nobody else writes under a dead process's leases until they expire: exactly what it had in flight.
          const inFlight = await runningUnder(db.url, pid);
          const kill = { name: victim.name, pid, at, inFlight, busy, restartMs: null };
          kills.push(kill);
          const restart = victim.start().then(() => {
            kill.restartMs = Date.now() - at;
          });
          restarts.push(restart);
          if (candidates.length === 1) await restart;
        })
        .catch((error) => scenario.check(false, `kill and restart failed: ${error.message}`));
    }
  };
  const load = await sendWebhooks({ url: hookUrl, total: TOTAL, concurrency: SENDERS, keyPrefix: scenario.name, onAccepted });
  await chaos;
  await Promise.all(restarts).catch((error) => scenario.check(false, `restart failed: ${error.message}`));
  scenario.check(kills.length === KILL_AT.length, `only ${kills.length} of ${KILL_AT.length} kills happened`);
  const drainMs = await waitAllFinal(db.url, hookId, 60_000).catch((error) => {
    scenario.check(false, error.message);
    return null;
  });
  const result = await figures(db.url, hookId, load.answers);
  // Only what a killed process held can run twice: exactly the executions left under its leases.
  const bound = kills.reduce((sum, kill) => sum + kill.inFlight.length, 0);
  for (const line of describeFigures(result, load, bound)) scenario.print(line);
  judge(scenario, result, load, TOTAL, bound);
  for (const kill of kills) {
    const recovered = await firstRecoveredAt(db.url, kill.inFlight);
    scenario.print(
      `SIGKILL ${kill.name} (pid ${kill.pid}) with ${kill.inFlight.length} execution(s) in flight${kill.busy ? '' : ' (none held work for 3 s before)'}; back up in ${seconds(kill.restartMs)}; first recovered execution finished ${seconds(recovered === null ? null : recovered - kill.at)} after the kill`,
    );
    scenario.check(kill.inFlight.length === 0 || recovered !== null, `none of the ${kill.inFlight.length} executions in flight at the kill of ${kill.name} was recovered`);
  }
  scenario.print(`all executions final ${seconds(drainMs)} after the load ended`);
  scenario.noUnexpectedExits();
}

export async function singleServerKills(scenario) {
  const db = await scenario.database('single');
  const server = await scenario.service('server', { DATABASE_URL: db.url });
  await server.start();
  const hook = await createPureWebhook(server.url);
  await killDuringLoad(scenario, db, server.url + hook.path, hook.id, [server]);
}

export async function queueModeKills(scenario) {
  if (!scenario.suite.redis.ok) return scenario.skip(scenario.suite.redis.reason);
  const db = await scenario.database('queue');
  const api = await scenario.service('api', { DATABASE_URL: db.url, APP_ROLE: 'api' }, { queue: true });
  const env = { DATABASE_URL: db.url, APP_ROLE: 'worker', EXECUTION_CONCURRENCY: String(WORKER_CONCURRENCY) };
  const workers = [await scenario.service('worker1', env, { queue: true }), await scenario.service('worker2', env, { queue: true })];
  await api.start();
  await Promise.all(workers.map((worker) => worker.start()));
  const hook = await createPureWebhook(api.url);
  await killDuringLoad(scenario, db, api.url + hook.path, hook.id, workers);
}
