import { docker, execIn, inspectState, stopTimed } from '../lib/docker.mjs';
import { AdminApi, sendWebhook, waitFor200 } from '../lib/service.mjs';
import { freePort, seconds } from '../lib/harness.mjs';

const READY_WITHIN_MS = 30_000;
/** The image's HEALTHCHECK runs first 15 s after the start (--interval=15s): allow a few rounds. */
const HEALTHY_WITHIN_MS = 60_000;
/** `docker stop` sends SIGTERM; an idle service must be gone well before Docker's SIGKILL. */
const STOP_WITHIN_MS = 10_000;
const DATA_DIR = '/app/data';
const GENERATED_KEY = /shown only this once:\s+(\S+)/;

/** Directories the process's user tries to create a file in; prints the ones where that worked. */
const WRITE_PROBE = ['/', '/app', '/app/dist', '/app/dist/src', '/app/node_modules', '/app/node_modules/@nestjs/core', '/etc', '/usr/local/bin', '/var', '/home/node', '/tmp', DATA_DIR]
  .map((dir) => `if (echo probe > '${dir}/.wfe-write-probe') 2>/dev/null; then echo '${dir}'; rm -f '${dir}/.wfe-write-probe'; fi`)
  .join('; ');

async function writableDirs(container) {
  return (await execIn(container, WRITE_PROBE)).split('\n').filter(Boolean);
}

/** The uids of the container's PID 1 (real, effective, saved, filesystem), as the kernel has them. */
async function mainProcessUids(container) {
  const status = await execIn(container, 'cat /proc/1/status');
  return status.match(/^Uid:\s+(.*)$/m)[1].trim().split(/\s+/).map(Number);
}

async function waitHealthy(container) {
  const started = Date.now();
  for (;;) {
    const state = await inspectState(container);
    const health = state.Health?.Status;
    if (health === 'healthy') return Date.now() - started;
    if (!state.Running) throw new Error(`the container stopped (exit ${state.ExitCode}) before its HEALTHCHECK passed`);
    if (health === 'unhealthy') throw new Error(`HEALTHCHECK unhealthy: ${JSON.stringify(state.Health.Log?.at(-1))}`);
    if (!health) throw new Error('the image declares no HEALTHCHECK');
    if (Date.now() - started > HEALTHY_WITHIN_MS) throw new Error(`HEALTHCHECK still "${health}" after ${HEALTHY_WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * The image as a new user runs it (docs/deploy.md): the embedded database on a volume for DATA_DIR,
 * nothing configured. Then a second container on the same volume, this time with a read-only root
 * filesystem: the generated admin key, the generated credentials key and the data must all be there.
 */
export async function embeddedDatabase(t) {
  const volume = await t.ledger.volume(`${t.prefix}-data`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const common = ['--network', 'host', '-e', `PORT=${port}`, '-v', `${volume}:${DATA_DIR}`];
  const headerValue = `tok-${t.runId}`;

  // First start.
  const first = `${t.prefix}-embedded-1`;
  const runAt = Date.now();
  await t.ledger.run(first, common, t.image);
  const alive = async () => (await inspectState(first)).Running;
  const readyMs = await waitFor200(`${base}/health/ready`, READY_WITHIN_MS, alive);
  t.figure('time to ready (embedded database, first start)', seconds(readyMs));
  t.print(`ready ${seconds(readyMs)} after \`docker run\` returned (${seconds(Date.now() - runAt)} including its start)`);

  const docs = await fetch(`${base}/docs`);
  const page = await docs.text();
  t.check(docs.status === 200 && /swagger/i.test(page), `GET /docs answered ${docs.status} without Swagger UI`);
  const openApi = await (await fetch(`${base}/docs-json`)).json();
  t.check(typeof openApi.openapi === 'string' && Object.keys(openApi.paths ?? {}).length > 0, 'GET /docs-json is not an OpenAPI document');
  t.print(`Swagger UI at /docs, OpenAPI ${openApi.openapi} with ${Object.keys(openApi.paths ?? {}).length} paths`);

  const uids = await mainProcessUids(first);
  t.check(uids.every((uid) => uid !== 0), `the main process runs with uids ${uids.join(' ')}: root`);
  const user = await execIn(first, 'id -un');
  t.print(`the main process runs as uid ${uids[0]} (${user})`);

  const writable = await writableDirs(first);
  t.print(`writable for that user: ${writable.join(', ')}`);
  const outside = writable.filter((dir) => !['/tmp', '/home/node', DATA_DIR].includes(dir));
  t.check(outside.length === 0, `the process can write to ${outside.join(', ')}: code, dependencies or system files`);
  t.check(writable.includes(DATA_DIR), `the process cannot write to DATA_DIR ${DATA_DIR}`);

  const logs = await docker(['logs', first]);
  const adminKey = logs.match(GENERATED_KEY)?.[1];
  if (!adminKey) throw new Error('no generated admin API key in the first start\'s output');
  const keyFile = await execIn(first, `stat -c '%a %U' ${DATA_DIR}/encryption.key && sha256sum ${DATA_DIR}/encryption.key`);
  const [mode, keyHash] = [keyFile.split('\n')[0], keyFile.split('\n')[1].split(/\s+/)[0]];
  t.check(mode.startsWith('600 '), `the generated credentials key is stored with mode/owner ${mode}, not 600`);
  t.print(`generated: an admin API key (printed once) and ${DATA_DIR}/encryption.key (${mode})`);

  // Data that needs both generated keys: the admin key to create it, the credentials key to use it.
  const api = new AdminApi(base, adminKey);
  const credential = await api.call('POST', '/credentials', { name: 'image test header', type: 'httpHeaderAuth', data: { name: 'X-Token', value: headerValue } });
  const hook = await api.echoWebhook('image test: embedded', { authentication: { type: 'header', credentialId: credential.id } });
  const before = await sendWebhook(`${base}${hook.path}`, { n: 1 }, { 'x-token': headerValue });
  t.check(before.status === 200 && JSON.stringify(before.body).includes('by the image'), `the webhook answered ${before.status} ${JSON.stringify(before.body)}`);
  const refused = await sendWebhook(`${base}${hook.path}`, { n: 0 }, { 'x-token': 'wrong' });
  t.check(refused.status === 401 || refused.status === 403, `a wrong header value got ${refused.status}, not refused`);

  await waitHealthy(first);
  t.figure('HEALTHCHECK healthy after', seconds(Date.now() - runAt));
  t.print(`HEALTHCHECK healthy ${seconds(Date.now() - runAt)} after the start (its first check runs at 15 s)`);

  const stop1 = await stopTimed(first);
  t.figure('docker stop (embedded, idle)', `${seconds(stop1.ms)}, exit ${stop1.exitCode}`);
  t.check(stop1.exitCode === 0, `docker stop: exit code ${stop1.exitCode}, not 0`);
  t.check(stop1.ms < STOP_WITHIN_MS, `docker stop took ${stop1.ms} ms`);

  // Second start on the same volume, root filesystem read-only: DATA_DIR must be all it needs.
  const second = `${t.prefix}-embedded-2`;
  await t.ledger.run(second, ['--read-only', ...common], t.image);
  const readyAgainMs = await waitFor200(`${base}/health/ready`, READY_WITHIN_MS, async () => (await inspectState(second)).Running);
  t.figure('time to ready (embedded database, restart on the volume)', seconds(readyAgainMs));
  t.print(`restarted with --read-only on the same volume: ready in ${seconds(readyAgainMs)}`);

  const writableReadOnly = await writableDirs(second);
  t.check(writableReadOnly.length === 1 && writableReadOnly[0] === DATA_DIR, `with --read-only the process can write to ${writableReadOnly.join(', ')}`);
  t.print(`writable with --read-only: ${writableReadOnly.join(', ')} only`);

  const secondLogs = await docker(['logs', second]);
  t.check(!GENERATED_KEY.test(secondLogs), 'the restart generated a new admin API key');
  const keyHashAgain = (await execIn(second, `sha256sum ${DATA_DIR}/encryption.key`)).split(/\s+/)[0];
  t.check(keyHashAgain === keyHash, 'the credentials key file changed across the restart');
  const workflows = await api.call('GET', '/workflows');
  t.check(workflows.items.some((workflow) => workflow.id === hook.workflowId), 'the workflow made before the restart is gone');
  // Header authentication decrypts the stored credential: only the same credentials key can.
  const after = await sendWebhook(`${base}${hook.path}`, { n: 2 }, { 'x-token': headerValue });
  t.check(after.status === 200 && JSON.stringify(after.body).includes('by the image'), `after the restart the webhook answered ${after.status} ${JSON.stringify(after.body)}`);
  const executions = await api.call('GET', `/executions?workflowId=${hook.workflowId}`);
  t.check(executions.items.length === 2 && executions.items.every((execution) => execution.status === 'COMPLETED'), `executions after the restart: ${JSON.stringify(executions.items.map((execution) => execution.status))}, not 2 COMPLETED`);
  t.print('after the restart: same admin key accepted, credentials key unchanged, workflow, credential and the first execution still there');

  const stop2 = await stopTimed(second);
  t.figure('docker stop (embedded, after the restart)', `${seconds(stop2.ms)}, exit ${stop2.exitCode}`);
  t.check(stop2.exitCode === 0, `docker stop after the restart: exit code ${stop2.exitCode}, not 0`);
}
