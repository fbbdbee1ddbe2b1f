import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { call } from '../lib/service-api.mjs';

/** Webhook senders at once, as in the other phases. */
const SENDERS = 50;

/**
 * The outside system: answers `{ ok: true }` after `holdMs`, and records per customer how many of
 * its calls were in flight at once (the limit must hold under load too).
 */
async function startTarget(holdMs) {
  const inFlight = new Map();
  const maxInFlight = new Map();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const { customer } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const now = (inFlight.get(customer) ?? 0) + 1;
      inFlight.set(customer, now);
      maxInFlight.set(customer, Math.max(now, maxInFlight.get(customer) ?? 0));
      setTimeout(() => {
        inFlight.set(customer, inFlight.get(customer) - 1);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      }, holdMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    maxInFlight,
    reset: () => maxInFlight.clear(),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** trigger → HTTP Request (the customer in the body) → set; `concurrency` as given, or none. */
function keyedWorkflow(port, concurrency) {
  return {
    name: `bench concurrency ${concurrency ? JSON.stringify(concurrency) : 'none'}`,
    active: true,
    nodes: [
      { id: 'n1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'n2', name: 'Call', type: 'httpRequest', parameters: { method: 'POST', url: `http://127.0.0.1:${port}/call`, body: { customer: '{{ $trigger.body.customer }}' } } },
      { id: 'n3', name: 'Shape', type: 'set', parameters: { values: { customer: '{{ $trigger.body.customer }}', ok: '{{ $json.data.ok }}' } } },
    ],
    connections: { Webhook: { main: [[{ node: 'Call', type: 'main', index: 0 }]] }, Call: { main: [[{ node: 'Shape', type: 'main', index: 0 }]] } },
    ...(concurrency ? { settings: { concurrency } } : {}),
  };
}

/** Sends `count` webhooks (customer i % keys) from SENDERS senders; answers the non-202 count. */
async function send(baseUrl, path, count, keys) {
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < count) {
        const i = next++;
        const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customer: `customer-${i % keys}`, i }) });
        await response.arrayBuffer();
        if (response.status !== 202) refused++;
      }
    }),
  );
  return refused;
}

/**
 * `--concurrency`: the throughput of a workflow keyed over `keys` customers with `{ limit, key }`
 * against the same workflow without a limit, on one server. Each run sends `executions` webhooks at
 * full speed and lasts until every execution ended; throughput is executions over the time from
 * the first one's creation to the last one's end (both on the database's clock).
 */
export async function concurrencyPhase(ctx, { executions, keys, limit, holdMs, target }) {
  const { service, db } = ctx;
  const apiKey = ctx.adminApiKey;
  const runs = {};
  for (const [name, concurrency] of [
    ['unlimited', undefined],
    ['keyed', { limit, key: '{{ $trigger.body.customer }}' }],
  ]) {
    target.reset();
    const workflow = await call(service.baseUrl, apiKey, 'POST', '/workflows', keyedWorkflow(target.port, concurrency));
    const hook = await call(service.baseUrl, apiKey, 'POST', '/webhooks', { workflowId: workflow.id, method: 'POST', responseMode: 'onReceived' });
    const sendStarted = Date.now();
    const refused = await send(service.baseUrl, `/webhook/handler/${hook.id}`, executions, keys);
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM workflow_executions WHERE "workflowId" = $1 AND status IN ('PENDING', 'RUNNING')`, [workflow.id]);
      if (rows[0].n === 0) break;
      await sleep(250);
    }
    const { rows } = await db.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
              EXTRACT(EPOCH FROM max("completedAt") - min("createdAt"))::float8 AS seconds
         FROM workflow_executions WHERE "workflowId" = $1`,
      [workflow.id],
    );
    const { total, completed, seconds } = rows[0];
    runs[name] = {
      executions: total,
      completed,
      refused,
      sendSeconds,
      seconds,
      completedPerSecond: completed / seconds,
      maxInFlightPerKey: Math.max(0, ...target.maxInFlight.values()),
    };
  }
  return { keys, limit, holdMs, ...runs, ratio: runs.keyed.completedPerSecond / runs.unlimited.completedPerSecond };
}

export { startTarget as startConcurrencyTarget };
