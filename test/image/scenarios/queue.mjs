import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { inspectState, stopTimed } from '../lib/docker.mjs';
import { freePort, seconds } from '../lib/harness.mjs';
import { AdminApi, metricValue, sendWebhook, waitFor200 } from '../lib/service.mjs';

const READY_WITHIN_MS = 30_000;
const IN_FLIGHT = 30;
/** The outside call outlasts the leaving worker's grace period, so some executions must be handed back. */
const CALL_MS = 4000;
const GRACE_MS = 2000;
/** The application exits at the latest 5 s after the grace period (docs/scaling.md); Docker's SIGKILL comes at 30 s. */
const STOP_WITHIN_MS = GRACE_MS + 5000 + 2000;
/** Long, so that a takeover well before it can only come from the lease being handed back. */
const LEASE_MS = 30_000;

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A slow outside API on the host: answers after CALL_MS, counting the calls. */
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
 * Queue mode from the image: one APP_ROLE=api and two APP_ROLE=worker containers on the host's
 * PostgreSQL (a throwaway database) and Redis (a prefix of their own). A webhook through the api
 * completes in a worker; then one worker gets `docker stop` while it is inside outside calls.
 */
export async function queueMode(t) {
  const database = `wfe_image_${t.runId.replace(/\W/g, '_')}`;
  const serverUrl = t.postgresUrl;
  try {
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  } catch (error) {
    return t.skip(`no PostgreSQL answers at ${serverUrl} (${error.message})`);
  }
  t.cleanups.push(() => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)));
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  if (!(await t.redisAvailable())) return t.skip(`no Redis answers at ${t.redisUrl}`);
  const prefix = `wfe-image-${t.runId}`;
  t.cleanups.push(() => t.dropRedisPrefix(prefix));

  const slow = await startSlowApi();
  t.cleanups.push(() => slow.close());
  const adminKey = randomBytes(24).toString('hex');
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: t.redisUrl,
    REDIS_PREFIX: prefix,
    ADMIN_API_KEY: adminKey,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    HTTP_ALLOWED_HOSTS: `127.0.0.1:${slow.port}`,
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    EXECUTION_LEASE_MS: String(LEASE_MS),
  };
  const roles = { api: 'api', worker1: 'worker', worker2: 'worker' };
  const containers = {};
  for (const [name, role] of Object.entries(roles)) {
    const port = await freePort();
    // The hostname names the container in each execution's lease (hostname:pid:random): every
    // container's main process is pid 1, and on the host network they would share the host's name.
    const hostname = `${t.prefix}-${name}`;
    const options = ['--network', 'host', '--hostname', hostname, '-e', `APP_ROLE=${role}`, '-e', `PORT=${port}`];
    for (const [key, value] of Object.entries(env)) options.push('-e', `${key}=${value}`);
    containers[name] = { name: hostname, role, port, base: `http://127.0.0.1:${port}` };
    await t.ledger.run(hostname, options, t.image);
  }
  const startedAt = Date.now();
  for (const [name, container] of Object.entries(containers)) {
    await waitFor200(`${container.base}/health/ready`, Math.max(1000, READY_WITHIN_MS - (Date.now() - startedAt)), async () => (await inspectState(container.name)).Running);
    t.print(`${name} (APP_ROLE=${container.role}) ready ${seconds(Date.now() - startedAt)} after the three containers were started`);
  }
  const { api, worker1, worker2 } = containers;
  const admin = new AdminApi(api.base, adminKey);

  // One webhook through the api, answered when it completes: the api runs no executions.
  const echo = await admin.echoWebhook('image test: queue mode');
  const answer = await sendWebhook(`${api.base}${echo.path}`, { hello: 'queue' });
  t.check(answer.status === 200 && JSON.stringify(answer.body).includes('by the image'), `the webhook through the api answered ${answer.status} ${JSON.stringify(answer.body)}`);
  const completedBy = async (container) => metricValue(container.base, 'workflow_executions_finished_total', { status: 'COMPLETED' });
  const byWorkers = (await completedBy(worker1)) + (await completedBy(worker2));
  const byApi = await completedBy(api);
  t.check(byWorkers === 1 && byApi === 0, `completed executions: ${byWorkers} in the workers, ${byApi} in the api; expected 1 and 0`);
  t.print(`a webhook through the api container completed in a worker container (workers' COMPLETED counter: ${byWorkers}, api's: ${byApi})`);

  // docker stop on a worker inside outside calls.
  const calling = await admin.callingWebhook('image test: stop in flight', `http://127.0.0.1:${slow.port}/slow`);
  const accepted = [];
  for (let i = 0; i < IN_FLIGHT; i++) {
    const sent = await sendWebhook(`${api.base}${calling.path}`, { i }, { 'idempotency-key': `${t.runId}-${i}` });
    if (sent.status === 202) accepted.push(sent.body.executionId);
    else t.check(false, `webhook ${i} answered ${sent.status} ${JSON.stringify(sent.body)}`);
  }
  const leasedBy1 = `SELECT id FROM workflow_executions WHERE status = 'RUNNING' AND "leaseOwner" LIKE $1`;
  const pattern = `${worker1.name}:%`;
  const held = new Set();
  await withClient(databaseUrl, async (client) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && held.size === 0) {
      for (const row of (await client.query(leasedBy1, [pattern])).rows) held.add(row.id);
      await sleep(50);
    }
    // Watch what worker1 holds until it is gone: a claim landing just as the signal arrives counts too.
    let stopped = false;
    const stopping = stopTimed(worker1.name).finally(() => (stopped = true));
    while (!stopped) {
      for (const row of (await client.query(leasedBy1, [pattern])).rows) held.add(row.id);
      await sleep(50);
    }
    const stop = await stopping;
    t.figure('docker stop (worker holding executions)', `${seconds(stop.ms)}, exit ${stop.exitCode}, ${held.size} execution(s) in flight`);
    t.print(`docker stop worker1 while it held ${held.size} execution(s) inside a ${CALL_MS / 1000} s call: exit ${stop.exitCode} after ${seconds(stop.ms)} (SHUTDOWN_GRACE_MS ${GRACE_MS})`);
    t.check(held.size > 0, 'worker1 held no execution when it was stopped: nothing was tested');
    t.check(stop.exitCode === 0, `docker stop of a busy worker: exit code ${stop.exitCode}, not 0`);
    t.check(stop.ms <= STOP_WITHIN_MS, `docker stop of a busy worker took ${stop.ms} ms`);
    t.stoppedAt = stop.at;
  });

  // Everything accepted must end COMPLETED, exactly once, the handed-back ones in worker2.
  const deadline = Date.now() + 60_000;
  let rows = [];
  for (;;) {
    rows = await withClient(databaseUrl, async (client) => (await client.query(
      `SELECT id, status, attempt, (EXTRACT(EPOCH FROM "completedAt") * 1000)::float8 AS done FROM workflow_executions WHERE "webhookId" = $1`,
      [calling.webhookId],
    )).rows);
    if (rows.every((row) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(row.status)) || Date.now() > deadline) break;
    await sleep(250);
  }
  const completed = rows.filter((row) => row.status === 'COMPLETED');
  const missing = accepted.filter((id) => !rows.some((row) => row.id === id));
  t.check(missing.length === 0, `${missing.length} accepted execution(s) are not in the database`);
  t.check(rows.length === accepted.length, `${rows.length} executions stored for ${accepted.length} accepted webhooks`);
  t.check(completed.length === accepted.length, `${completed.length} of ${accepted.length} accepted executions completed: ${JSON.stringify(rows.filter((row) => row.status !== 'COMPLETED').map((row) => row.status))}`);
  const handedOver = rows.filter((row) => held.has(row.id) && row.attempt > 1);
  const slowest = handedOver.length ? Math.max(...handedOver.map((row) => Number(row.done) - t.stoppedAt)) : null;
  t.print(`${completed.length}/${accepted.length} accepted executions completed; ${handedOver.length} of those worker1 held were handed back and finished by worker2, the last ${seconds(slowest)} after worker1 exited (lease ${LEASE_MS / 1000} s)`);
  t.check(slowest === null || slowest < LEASE_MS, `handed-over executions finished ${slowest} ms after the stop: they waited for the lease to expire`);
  t.check(slow.calls() <= accepted.length + handedOver.length, `${slow.calls()} outside calls for ${accepted.length} executions and ${handedOver.length} handovers`);

  for (const container of [worker2, api]) {
    const stop = await stopTimed(container.name);
    t.figure(`docker stop (${container.name.replace(`${t.prefix}-`, '')}, idle)`, `${seconds(stop.ms)}, exit ${stop.exitCode}`);
    t.check(stop.exitCode === 0, `docker stop ${container.role}: exit code ${stop.exitCode}, not 0`);
  }
}
