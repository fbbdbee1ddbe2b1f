import { ADMIN_KEY } from './processes.mjs';

async function admin(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const edge = (node) => ({ main: [[{ node, type: 'main', index: 0 }]] });

/**
 * trigger → condition → set (two branches), answered onReceived; returns the webhook's path. The
 * parameters are literals, not expressions: JSONata's 50 ms wall-clock bound fails a few percent of
 * evaluations on a CPU-starved machine, which is not what these scenarios measure.
 */
export async function createPureWebhook(base) {
  const workflow = await admin(base, 'POST', '/workflows', {
    name: 'faults: trigger → condition → set',
    active: true,
    nodes: [
      { id: 'a1', name: 'Webhook', type: 'trigger', parameters: {} },
      {
        id: 'a2',
        name: 'Check score',
        type: 'condition',
        parameters: { conditions: [{ output: 0, rules: [{ field: 95, operator: 'greaterThan', value: 50 }] }], defaultOutput: 1 },
      },
      { id: 'a3', name: 'High', type: 'set', parameters: { values: { msg: 'high score' } } },
      { id: 'a4', name: 'Low', type: 'set', parameters: { values: { msg: 'low score' } } },
    ],
    connections: {
      Webhook: edge('Check score'),
      'Check score': { main: [[{ node: 'High', type: 'main', index: 0 }], [{ node: 'Low', type: 'main', index: 0 }]] },
    },
  });
  return createWebhook(base, workflow.id);
}

/** trigger → HTTP Request to `url` (a slow call: an outside effect in flight for a while). */
export async function createCallingWebhook(base, url) {
  const workflow = await admin(base, 'POST', '/workflows', {
    name: 'faults: trigger → slow call',
    active: true,
    nodes: [
      { id: 'b1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'b2', name: 'Call', type: 'httpRequest', parameters: { url, method: 'POST', body: { from: 'faults' } } },
    ],
    connections: { Webhook: edge('Call') },
  });
  return createWebhook(base, workflow.id);
}

/**
 * trigger → HTTP Request (POST to `${targetUrl}/call/<execution id>`) → set: the effect workflow,
 * whose one call is its first outside effect.
 */
export async function createEffectWebhook(base, targetUrl) {
  const workflow = await admin(base, 'POST', '/workflows', {
    name: 'faults: trigger → call → set',
    active: true,
    nodes: [
      { id: 'e1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'e2', name: 'Call', type: 'httpRequest', parameters: { method: 'POST', url: `${targetUrl}/call/{{ $execution.id }}`, body: { i: '{{ $trigger.body.i }}' } } },
      { id: 'e3', name: 'Done', type: 'set', parameters: { values: { status: '{{ $json.status }}' } } },
    ],
    connections: { Webhook: edge('Call'), Call: edge('Done') },
  });
  return createWebhook(base, workflow.id);
}

/**
 * Two failing workflows and their error workflow (docs/failure-handling.md): one fails in a pure node
 * (stored FAILED by the ingest's insert), one on a refused outside call (FAILED by the engine's
 * final write). Returns both webhooks and the error workflow's id.
 */
export async function createFailingWebhooks(base) {
  const handler = await admin(base, 'POST', '/workflows', {
    name: 'faults: error handler',
    nodes: [
      { id: 'e1', name: 'Failure', type: 'trigger', parameters: {} },
      { id: 'e2', name: 'Note', type: 'set', parameters: { values: { failed: '{{ $context.execution.id }}' } } },
    ],
    connections: { Failure: edge('Note') },
  });
  const settings = { errorWorkflow: handler.id };
  const pure = await admin(base, 'POST', '/workflows', {
    name: 'faults: failing set',
    active: true,
    settings,
    nodes: [
      { id: 'f1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'f2', name: 'Boom', type: 'set', parameters: { values: { n: '{{ $number("x") }}' } } },
    ],
    connections: { Webhook: edge('Boom') },
  });
  const calling = await admin(base, 'POST', '/workflows', {
    name: 'faults: refused call',
    active: true,
    settings,
    nodes: [
      { id: 'g1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'g2', name: 'Call', type: 'httpRequest', parameters: { url: 'http://127.0.0.1:1/refused', method: 'GET' } },
    ],
    connections: { Webhook: edge('Call') },
  });
  return { handlerId: handler.id, hooks: [await createWebhook(base, pure.id), await createWebhook(base, calling.id)] };
}

/** An active workflow fired by a schedule every `intervalMs` (docs/schedules.md); returns its id. */
export async function createScheduledWorkflow(base, intervalMs) {
  const workflow = await admin(base, 'POST', '/workflows', {
    name: 'faults: every second',
    active: true,
    nodes: [
      { id: 's1', name: 'Tick', type: 'schedule', parameters: { intervalMs, overlap: 'allow' } },
      { id: 's2', name: 'Note', type: 'set', parameters: { values: { at: '{{ $trigger.scheduledFor }}' } } },
    ],
    connections: { Tick: edge('Note') },
  });
  return workflow.id;
}

async function createWebhook(base, workflowId) {
  const webhook = await admin(base, 'POST', '/webhooks', { workflowId, method: 'POST' });
  return { id: webhook.id, path: `/webhook/handler/${webhook.id}` };
}
