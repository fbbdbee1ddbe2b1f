import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { query, waitAllFinal } from '../lib/database.mjs';
import { seconds } from '../lib/harness.mjs';
import { ADMIN_KEY } from '../lib/processes.mjs';

const ELEMENTS = 200;
const CONCURRENCY = 10;
/** Calls the target has received when the server is SIGKILLed: well inside the list. */
const KILL_AFTER_CALLS = 80;
/** Each call takes this long, so that ten are in flight at the kill. */
const CALL_MS = 40;

/**
 * One webhook whose HTTP node runs over 200 elements, 10 at a time; the server is SIGKILLed
 * mid-way and started again (docs/lists-and-subworkflows.md). Afterwards every element's call has
 * reached the target, at most the 10 that can have been in flight reached it twice, and the node's
 * output has all 200 elements in order.
 */
export async function forEachKill(scenario) {
  const calls = new Map();
  let killAt = null;
  const target = http.createServer((request, response) => {
    calls.set(request.url, (calls.get(request.url) ?? 0) + 1);
    let total = 0;
    for (const n of calls.values()) total += n;
    if (total === KILL_AFTER_CALLS && !killAt) killAt = Promise.resolve();
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ url: request.url }));
    }, CALL_MS);
  });
  await new Promise((resolve) => target.listen(0, '127.0.0.1', resolve));
  const port = target.address().port;
  try {
    const db = await scenario.database('foreach');
    const server = await scenario.service('server', { DATABASE_URL: db.url, HTTP_ALLOWED_HOSTS: `127.0.0.1:${port}` });
    await server.start();
    const hook = await createForEachWebhook(server.url, `http://127.0.0.1:${port}`);
    const items = Array.from({ length: ELEMENTS }, (_, i) => i);
    const answer = await fetch(server.url + hook.path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
    scenario.check(answer.status === 202, `webhook answered ${answer.status}`);
    const { executionId } = await answer.json();
    for (let waited = 0; !killAt && waited < 60_000; waited += 10) await sleep(10);
    scenario.check(killAt !== null, 'the run never reached the kill point');
    const at = Date.now();
    await server.kill();
    const callsAtKill = [...calls.values()].reduce((sum, n) => sum + n, 0);
    await server.start();
    const restartMs = Date.now() - at;
    await waitAllFinal(db.url, hook.id, 60_000).catch((error) => scenario.check(false, error.message));
    const [row] = await query(db.url, 'SELECT status, error, "nodeExecutions" FROM workflow_executions WHERE id = $1', [executionId]);
    const each = (row.nodeExecutions ?? []).find((record) => record.nodeName === 'Each');
    const missing = items.filter((i) => !calls.has(`/item/${i}`)).length;
    const twice = [...calls.values()].filter((n) => n === 2).length;
    const more = [...calls.values()].filter((n) => n > 2).length;
    const inOrder = Array.isArray(each?.output) && each.output.length === ELEMENTS && each.output.every((output, i) => output?.data?.url === `/item/${i}`);
    scenario.print(`${ELEMENTS} elements, ${CONCURRENCY} at a time: SIGKILL after ${callsAtKill} calls, back up in ${seconds(restartMs)}; execution ${row.status}; elements called: ${calls.size}, twice: ${twice}, more than twice: ${more}, never: ${missing}`);
    scenario.check(row.status === 'COMPLETED', `execution ended ${row.status}: ${row.error}`);
    scenario.check(missing === 0, `${missing} elements' calls never reached the target`);
    scenario.check(twice <= CONCURRENCY && more === 0, `${twice} elements called twice and ${more} more often: more than the ${CONCURRENCY} in flight`);
    scenario.check(inOrder, 'the node output does not hold all elements in order');
    scenario.noUnexpectedExits();
  } finally {
    target.closeAllConnections();
    await new Promise((resolve) => target.close(resolve));
  }
}

async function createForEachWebhook(base, targetUrl) {
  const admin = async (path, body) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json();
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const workflow = await admin('/workflows', {
    name: 'faults: forEach over 200 calls',
    active: true,
    nodes: [
      { id: 'h1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'h2', name: 'Each', type: 'httpRequest', forEach: '{{ $trigger.body.items }}', forEachConcurrency: CONCURRENCY, parameters: { url: `${targetUrl}/item/{{ $item }}` } },
    ],
    connections: { Webhook: { main: [[{ node: 'Each', type: 'main', index: 0 }]] } },
  });
  const webhook = await admin('/webhooks', { workflowId: workflow.id, method: 'POST' });
  return { id: webhook.id, path: `/webhook/handler/${webhook.id}` };
}
