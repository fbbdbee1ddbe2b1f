import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { figures, heldUntil, query, runningUnder, waitAllFinal } from '../lib/database.mjs';
import { describeFigures, judge, seconds } from '../lib/harness.mjs';
import { sendWebhooks } from '../lib/load.mjs';
import { createCallingWebhook } from '../lib/service-api.mjs';

const TOTAL = 300;
const TERM_AT = 200;
const GRACE_MS = 2000;
/** Long, so that a takeover well before it can only come from the lease being handed back. */
const LEASE_MS = 10_000;
const CALL_MS = 2500;

/** A slow outside API: answers after CALL_MS, counting the calls. */
async function startSlowApi() {
  let calls = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      calls++;
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      }, CALL_MS);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, calls: () => calls, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * SIGTERM a worker while every execution is inside a 2.5 s outside call and the grace period is 2 s:
 * the worker must exit 0 within the grace period, and the executions it could not finish must be
 * handed back (lease released, job back in the queue) and finished by the other worker long before
 * their lease would have expired.
 */
export async function sigtermUnderLoad(scenario) {
  if (!scenario.suite.redis.ok) return scenario.skip(scenario.suite.redis.reason);
  const slow = await startSlowApi();
  try {
    const db = await scenario.database('sigterm');
    const env = {
      DATABASE_URL: db.url,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      EXECUTION_LEASE_MS: String(LEASE_MS),
      EXECUTION_CONCURRENCY: '100',
      HTTP_ALLOWED_HOSTS: `127.0.0.1:${slow.port}`,
      // The shutdown's steps, with their times, in the log.
      LOG_LEVEL: 'info',
    };
    const api = await scenario.service('api', { ...env, APP_ROLE: 'api' }, { queue: true });
    const leaving = await scenario.service('worker1', { ...env, APP_ROLE: 'worker' }, { queue: true });
    const staying = await scenario.service('worker2', { ...env, APP_ROLE: 'worker' }, { queue: true });
    await api.start();
    await Promise.all([leaving.start(), staying.start()]);
    const hook = await createCallingWebhook(api.url, `http://127.0.0.1:${slow.port}/slow`);

    let term;
    const load = await sendWebhooks({
      url: api.url + hook.path,
      total: TOTAL,
      concurrency: 100,
      keyPrefix: scenario.name,
      onAccepted: (count) => {
        if (count < TERM_AT || term) return;
        term = (async () => {
          // Let the worker get into its calls, then stop it.
          await sleep(500);
          // What the worker holds from just before the signal until it exits: a claim in flight
          // when the signal arrives lands afterwards (and is handed straight back), so one look
          // before the signal can miss an execution that is then rightly re-run elsewhere.
          const before = await runningUnder(db.url, leaving.pid);
          const exiting = leaving.terminate();
          const during = await heldUntil(db.url, leaving.pid, exiting);
          return { held: [...new Set([...before, ...during])], exit: await exiting };
        })();
      },
    });
    const { held, exit } = await term;
    const drainMs = await waitAllFinal(db.url, hook.id, 60_000).catch((error) => {
      scenario.check(false, error.message);
      return null;
    });
    const result = await figures(db.url, hook.id, load.answers);
    const bound = held.length;
    for (const line of describeFigures(result, load, bound)) scenario.print(line);
    judge(scenario, result, load, TOTAL, bound);

    scenario.print(`SIGTERM worker1 holding ${held.length} execution(s): exit code ${exit.code} after ${seconds(exit.ms)} (SHUTDOWN_GRACE_MS ${GRACE_MS})`);
    scenario.check(exit.code === 0 && exit.signal === null, `the worker exited with code ${exit.code}, signal ${exit.signal}, not 0`);
    // The hard stop is at exactly the grace period; allow for process teardown on a busy machine.
    scenario.check(exit.ms <= GRACE_MS + 500, `the worker took ${exit.ms} ms to exit, beyond SHUTDOWN_GRACE_MS ${GRACE_MS}`);
    scenario.check(held.length > 0, 'the worker held no execution when it was stopped: nothing was tested');

    const rows = held.length
      ? await query(db.url, `SELECT status, attempt, (EXTRACT(EPOCH FROM "completedAt") * 1000)::float8 AS done FROM workflow_executions WHERE id = ANY($1::uuid[])`, [held])
      : [];
    const handedOver = rows.filter((row) => row.attempt > 1);
    const slowest = handedOver.length ? Math.max(...handedOver.map((row) => Number(row.done) - exit.at)) : null;
    scenario.print(`${handedOver.length} of them were handed over and finished by worker2, the last ${seconds(slowest)} after worker1 exited (lease ${LEASE_MS} ms, outside call ${CALL_MS} ms)`);
    scenario.check(rows.every((row) => row.status === 'COMPLETED'), `executions held by the stopped worker did not all complete: ${JSON.stringify(rows.map((row) => row.status))}`);
    scenario.check(handedOver.length > 0, 'no execution was handed over: the worker finished everything within the grace period, so the release was not exercised');
    scenario.check(slowest === null || slowest < LEASE_MS, `handed-over executions finished ${slowest} ms after the exit: the lease was not released, the takeover waited for it to expire`);
    scenario.print(`outside calls: ${slow.calls()} for ${TOTAL} executions (at most one repeated per handed-over execution)`);
    scenario.check(slow.calls() <= TOTAL + handedOver.length, `${slow.calls()} outside calls for ${TOTAL} executions and ${handedOver.length} handovers`);
    scenario.print(`all executions final ${seconds(drainMs)} after the load ended`);
    scenario.noUnexpectedExits();
  } finally {
    await slow.close();
  }
}
