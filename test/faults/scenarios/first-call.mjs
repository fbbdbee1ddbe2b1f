import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { query, waitAllFinal } from '../lib/database.mjs';
import { seconds } from '../lib/harness.mjs';
import { createEffectWebhook } from '../lib/service-api.mjs';

const EXECUTIONS = 20;

/**
 * Executions of trigger → HTTP Request → set, inserted already claimed with the records their run
 * would commit before its first outside call (docs/executions.md), so the run makes that call without
 * a write of its own: the server is SIGKILLed while all of them are in that call, and started again.
 * Before the kill each row holds the trigger's result and the call started (attempts 1); afterwards
 * every execution is COMPLETED, its call reached the target exactly twice, and its record counts
 * both tries (attempts 2).
 */
export async function firstCallKill(scenario) {
  await killInFirstCall(scenario, async (db, allowed) => {
    const server = await scenario.service('server', { DATABASE_URL: db.url, HTTP_ALLOWED_HOSTS: allowed });
    await server.start();
    return { entry: server, executing: server };
  });
}

/**
 * The same in queue mode (docs/scaling.md): executions queued by the api, claimed by the worker with
 * the records their run would commit before its first outside call, so the claim is the run's only
 * write before the call; the worker is SIGKILLed while all of them are in that call, and started
 * again: its sweep takes them over when their leases expire.
 */
export async function firstCallKillQueueMode(scenario) {
  if (!scenario.suite.redis.ok) return scenario.skip(scenario.suite.redis.reason);
  await killInFirstCall(scenario, async (db, allowed) => {
    const api = await scenario.service('api', { DATABASE_URL: db.url, APP_ROLE: 'api' }, { queue: true });
    const worker = await scenario.service('worker', { DATABASE_URL: db.url, APP_ROLE: 'worker', HTTP_ALLOWED_HOSTS: allowed }, { queue: true });
    await api.start();
    await worker.start();
    return { entry: api, executing: worker };
  });
}

/** `start`: the services on the scenario's database; `entry` takes the webhooks, `executing` runs them and is killed. */
async function killInFirstCall(scenario, start) {
  const calls = new Map();
  /** Calls before the kill are held open (the server dies in them); later ones answer at once. */
  let holding = true;
  const held = [];
  const target = http.createServer((request, response) => {
    calls.set(request.url, (calls.get(request.url) ?? 0) + 1);
    const answer = () => {
      if (response.destroyed) return;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ url: request.url }));
    };
    if (holding) held.push(answer);
    else answer();
  });
  await new Promise((resolve) => target.listen(0, '127.0.0.1', resolve));
  const port = target.address().port;
  try {
    const db = await scenario.database('firstcall');
    const { entry, executing } = await start(db, `127.0.0.1:${port}`);
    const hook = await createEffectWebhook(entry.url, `http://127.0.0.1:${port}`);
    const ids = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const answer = await fetch(entry.url + hook.path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) });
      scenario.check(answer.status === 202, `webhook answered ${answer.status}`);
      ids.push((await answer.json()).executionId);
    }
    for (let waited = 0; held.length < EXECUTIONS && waited < 30_000; waited += 10) await sleep(10);
    scenario.check(held.length === EXECUTIONS, `only ${held.length} of ${EXECUTIONS} calls reached the target before the kill`);
    const before = await query(db.url, 'SELECT status, attempt, "nodeExecutions" FROM workflow_executions WHERE id = ANY($1::uuid[])', [ids]);
    // What the insert stored (the trigger's result and the call started, its first try counted), as a progress commit before the call would have.
    const shape = (row) => `${row.status} ${row.attempt} ${(row.nodeExecutions ?? []).map((record) => `${record.nodeName}:${record.status}:${record.attempts}`).join(',')}`;
    const unexpected = before.filter((row) => shape(row) !== 'RUNNING 1 Webhook:SUCCESS:1,Call:RUNNING:1');
    scenario.check(unexpected.length === 0, `${unexpected.length} executions hold other records during their first call than the trigger's result and the call started: ${unexpected.slice(0, 3).map(shape).join(' | ')}`);
    const at = Date.now();
    await executing.kill();
    holding = false;
    for (const answer of held) answer();
    await executing.start();
    const restartMs = Date.now() - at;
    await waitAllFinal(db.url, hook.id, 60_000).catch((error) => scenario.check(false, error.message));
    const rows = await query(db.url, 'SELECT id, status, error, attempt, "lostRuns", "nodeExecutions" FROM workflow_executions WHERE id = ANY($1::uuid[])', [ids]);
    const notCompleted = rows.filter((row) => row.status !== 'COMPLETED');
    const callOf = (row) => (row.nodeExecutions ?? []).find((record) => record.nodeName === 'Call');
    const miscounted = rows.filter((row) => callOf(row)?.attempts !== 2);
    const notTwice = ids.filter((id) => calls.get(`/call/${id}`) !== 2);
    scenario.print(
      `${EXECUTIONS} executions SIGKILLed in their first call, back up in ${seconds(restartMs)}, all final ${seconds(Date.now() - at)} after the kill; ` +
        `COMPLETED ${rows.length - notCompleted.length}, Call attempts ${JSON.stringify([...new Set(rows.map((row) => callOf(row)?.attempts))])}, lostRuns ${JSON.stringify([...new Set(rows.map((row) => row.lostRuns))])}`,
    );
    scenario.check(notCompleted.length === 0, `${notCompleted.length} executions did not end COMPLETED: ${notCompleted.slice(0, 3).map((row) => `${row.status} ${row.error}`).join(' | ')}`);
    scenario.check(notTwice.length === 0, `${notTwice.length} executions' calls did not reach the target exactly twice (once before the kill, once after)`);
    scenario.check(miscounted.length === 0, `${miscounted.length} executions' Call records do not count the try lost with the server (attempts ${JSON.stringify(miscounted.slice(0, 3).map((row) => callOf(row)?.attempts))}, expected 2)`);
    scenario.noUnexpectedExits();
  } finally {
    target.closeAllConnections();
    await new Promise((resolve) => target.close(resolve));
  }
}
