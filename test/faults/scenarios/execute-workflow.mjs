import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { query, runningUnder, waitAllFinal } from '../lib/database.mjs';
import { seconds } from '../lib/harness.mjs';
import { ADMIN_KEY } from '../lib/processes.mjs';

const PARENTS = 60;
const ELEMENTS = 3;
const CHILDREN = PARENTS * ELEMENTS;
/** Children's calls the target has received at each SIGKILL: spread over the run. */
const KILL_AFTER_CALLS = [30, 75, 120];
/** Each call takes this long, so that children are in flight (and parents parked or waking) at a kill. */
const CALL_MS = 150;
const WORKER_CONCURRENCY = 8;

/**
 * Parents whose executeWorkflow node runs over a list (a child per element, docs/lists-and-subworkflows.md),
 * each child making one HTTP call; the process(es) running them SIGKILLed three times mid-way, so
 * that kills land between "child created" and "parent resumed" in the parent's process and in the
 * child's. Afterwards every parent is COMPLETED with its children's outputs in order, every
 * (parent, node, element) has exactly one child, COMPLETED, whose call reached the target, and only
 * calls that can have been in flight at a kill reached it twice.
 */
async function killDuringChildren(scenario, db, api, candidates) {
  const target = await callTarget();
  try {
    const hook = await createParentWebhook(api.url, target.url);
    const answers = [];
    for (let p = 0; p < PARENTS; p += 10) {
      const batch = Array.from({ length: Math.min(10, PARENTS - p) }, (_, k) => p + k);
      answers.push(...(await Promise.all(batch.map((parent) => sendParent(api.url + hook.path, parent)))));
    }
    scenario.check(answers.every((answer) => answer.status === 202), `webhooks answered ${[...new Set(answers.map((answer) => answer.status))].join(', ')}`);
    const kills = [];
    for (const [n, calls] of KILL_AFTER_CALLS.entries()) {
      for (let waited = 0; target.total() < calls && waited < 90_000; waited += 10) await sleep(10);
      let up = candidates.filter((candidate) => candidate.ready);
      for (let waited = 0; !up.length && waited < 90_000; waited += 50) {
        await sleep(50);
        up = candidates.filter((candidate) => candidate.ready);
      }
      const victim = up[n % up.length];
      const at = Date.now();
      const callsAtKill = target.total();
      await victim.kill();
      // What the dead process held: the bound on calls made twice (its children in flight).
      const inFlight = await runningUnder(db.url, victim.pid ?? -1);
      const restart = victim.start().then(() => Date.now() - at);
      const [held] = await query(db.url, `SELECT count(*) FILTER (WHERE mode = 'subworkflow')::int AS children, count(*) FILTER (WHERE mode <> 'subworkflow')::int AS parents FROM workflow_executions WHERE id = ANY($1::uuid[])`, [inFlight]);
      kills.push({ name: victim.name, callsAtKill, inFlight, ...held, restart });
      if (candidates.length === 1) await restart;
    }
    const restarts = await Promise.all(kills.map((kill) => kill.restart)).catch((error) => {
      scenario.check(false, `restart failed: ${error.message}`);
      return [];
    });
    await waitAllFinal(db.url, hook.id, 90_000).catch((error) => scenario.check(false, `parents: ${error.message}`));
    await waitChildrenFinal(db.url, 30_000).catch((error) => scenario.check(false, `children: ${error.message}`));

    const parents = await query(db.url, `SELECT id, status, error, "nodeExecutions" FROM workflow_executions WHERE "webhookId" = $1`, [hook.id]);
    const children = await query(
      db.url,
      `SELECT id, "parentExecutionId", "parentNode", "parentIndex", status, count(*) OVER (PARTITION BY "parentExecutionId", "parentNode", "parentIndex")::int AS n,
              "triggerData" -> 'body' AS body
         FROM workflow_executions WHERE mode = 'subworkflow'`,
    );
    const notCompleted = parents.filter((parent) => parent.status !== 'COMPLETED');
    const outOfOrder = parents.filter((parent) => {
      const each = (parent.nodeExecutions ?? []).find((record) => record.nodeName === 'Each');
      return !(Array.isArray(each?.output) && each.output.length === ELEMENTS && each.output.every((output, i) => output?.data?.path === `/call/${each.output[0]?.data?.parent}/${i}`));
    });
    const doubled = children.filter((child) => child.n > 1).length;
    const childNotCompleted = children.filter((child) => child.status !== 'COMPLETED').length;
    const expected = [];
    for (let p = 0; p < PARENTS; p++) for (let i = 0; i < ELEMENTS; i++) expected.push(`/call/${p}/${i}`);
    const neverCalled = expected.filter((path) => !target.calls.has(path)).length;
    const twice = [...target.calls].filter(([, n]) => n === 2).map(([path]) => path);
    const more = [...target.calls.values()].filter((n) => n > 2).length;
    // Only a child a killed process held can have made its call again, once per kill that found it
    // in flight (a child recovered after one kill can be in flight at the next one too).
    const pathOf = new Map(children.map((child) => [child.id, `/call/${child.body?.p}/${child.body?.i}`]));
    const killsHolding = new Map();
    for (const kill of kills) for (const id of kill.inFlight) if (pathOf.has(id)) killsHolding.set(pathOf.get(id), (killsHolding.get(pathOf.get(id)) ?? 0) + 1);
    const mayRepeat = new Set(killsHolding.keys());
    const unexplained = [...target.calls].filter(([path, n]) => n > 1 + (killsHolding.get(path) ?? 0)).map(([path, n]) => `${path} ×${n}`);

    for (const [i, kill] of kills.entries()) {
      scenario.print(`SIGKILL ${kill.name} after ${kill.callsAtKill} calls holding ${kill.parents} parent(s) and ${kill.children} child(ren) RUNNING; back up in ${seconds(restarts[i])}`);
    }
    scenario.print(`${PARENTS} parents × ${ELEMENTS} children: parents ${notCompleted.length ? `${notCompleted.length} not COMPLETED` : 'all COMPLETED'}; children ${children.length} (${doubled} doubled, ${childNotCompleted} not COMPLETED); calls never made ${neverCalled}, twice ${twice.length} (children in flight at a kill: ${mayRepeat.size}), more ${more}`);
    scenario.check(notCompleted.length === 0, `${notCompleted.length} parents did not end COMPLETED: ${notCompleted.slice(0, 3).map((parent) => `${parent.status} ${parent.error}`).join(' | ')}`);
    scenario.check(outOfOrder.length === 0, `${outOfOrder.length} parents' Each output is not their ${ELEMENTS} children's outputs in order`);
    scenario.check(children.length === CHILDREN && doubled === 0, `${children.length} children for ${CHILDREN} (parent, node, element) runs, ${doubled} of them doubled`);
    scenario.check(childNotCompleted === 0, `${childNotCompleted} children did not end COMPLETED`);
    scenario.check(neverCalled === 0, `${neverCalled} children's calls never reached the target`);
    scenario.check(unexplained.length === 0, `${unexplained.length} calls made more often than once plus once per kill that found their child in flight (${unexplained.slice(0, 3).join(', ')})`);
    scenario.noUnexpectedExits();
  } finally {
    await target.close();
  }
}

export async function subworkflowKillsSingleServer(scenario) {
  const db = await scenario.database('subworkflows');
  const server = await scenario.service('server', { DATABASE_URL: db.url, HTTP_ALLOWED_HOSTS: '127.0.0.1' });
  await server.start();
  await killDuringChildren(scenario, db, server, [server]);
}

export async function subworkflowKillsQueueMode(scenario) {
  if (!scenario.suite.redis.ok) return scenario.skip(scenario.suite.redis.reason);
  const db = await scenario.database('subworkflows_queue');
  const api = await scenario.service('api', { DATABASE_URL: db.url, APP_ROLE: 'api', HTTP_ALLOWED_HOSTS: '127.0.0.1' }, { queue: true });
  const env = { DATABASE_URL: db.url, APP_ROLE: 'worker', EXECUTION_CONCURRENCY: String(WORKER_CONCURRENCY), HTTP_ALLOWED_HOSTS: '127.0.0.1' };
  const workers = [await scenario.service('worker1', env, { queue: true }), await scenario.service('worker2', env, { queue: true })];
  await api.start();
  await Promise.all(workers.map((worker) => worker.start()));
  await killDuringChildren(scenario, db, api, workers);
}

/** A local HTTP server counting calls by path; answers each after CALL_MS with its path and parent. */
async function callTarget() {
  const calls = new Map();
  const server = http.createServer((request, response) => {
    calls.set(request.url, (calls.get(request.url) ?? 0) + 1);
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url, parent: request.url.split('/')[2] }));
    }, CALL_MS);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    total: () => [...calls.values()].reduce((sum, n) => sum + n, 0),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function sendParent(url, parent) {
  const body = { items: Array.from({ length: ELEMENTS }, (_, i) => ({ p: parent, i })) };
  for (let tries = 0; ; tries++) {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      if (tries >= 5) return { status: `error ${error.message}` };
      await sleep(200);
    }
  }
}

async function waitChildrenFinal(url, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const [row] = await query(url, `SELECT count(*)::int AS n FROM workflow_executions WHERE mode = 'subworkflow' AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED')`);
    if (row.n === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${row.n} still not final after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The child (trigger → one call named after its parent and element) and the parent calling it per element. */
async function createParentWebhook(base, targetUrl) {
  const admin = async (path, body) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json();
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const child = await admin('/workflows', {
    name: 'faults: child calling out',
    nodes: [
      { id: 'c1', name: 'Called', type: 'trigger', parameters: {} },
      { id: 'c2', name: 'Call', type: 'httpRequest', parameters: { url: `${targetUrl}/call/{{ $trigger.body.p }}/{{ $trigger.body.i }}` } },
    ],
    connections: { Called: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } },
  });
  const parent = await admin('/workflows', {
    name: 'faults: a child per element',
    active: true,
    nodes: [
      { id: 'p1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'p2', name: 'Each', type: 'executeWorkflow', forEach: '{{ $trigger.body.items }}', forEachConcurrency: 2, parameters: { workflowId: child.id, input: '{{ $item }}' } },
    ],
    connections: { Webhook: { main: [[{ node: 'Each', type: 'main', index: 0 }]] } },
  });
  const webhook = await admin('/webhooks', { workflowId: parent.id, method: 'POST' });
  return { id: webhook.id, path: `/webhook/handler/${webhook.id}` };
}
