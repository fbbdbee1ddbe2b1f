import { call } from '../lib/service-api.mjs';

/** Elements of the pure forEach, and children of the executeWorkflow forEach (bench/README.md). */
const PURE_ELEMENTS = 1000;
const CHILDREN = 100;
/** Children of one parent in flight at a time (forEachConcurrency). */
const CHILD_CONCURRENCY = 10;

const edge = (node) => ({ main: [[{ node, type: 'main', index: 0 }]] });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * `--subworkflows` (issue 15): one server, runs one at a time.
 *
 * 1. A 1,000-element forEach over a `set` node (pure, but a workflow with forEach is stored and
 *    queued like any other, docs/lists-and-subworkflows.md), answered `lastNode`: elements per
 *    second of POST → 200.
 * 2. A 100-element executeWorkflow forEach, `forEachConcurrency` 10, each child trigger → set:
 *    children per second from POST → the parent COMPLETED (every child created, queued, run and
 *    committed, and the parent woken by their ends).
 */
export async function subworkflowsPhase(ctx, { runs }) {
  const base = ctx.service.baseUrl;
  const api = (method, path, body) => call(base, ctx.adminApiKey, method, path, body);
  const items = (n) => Array.from({ length: n }, (_, i) => i);

  const pure = await api('POST', '/workflows', {
    name: 'bench: 1,000-element forEach',
    active: true,
    nodes: [
      { id: 'f1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'f2', name: 'Each', type: 'set', forEach: '{{ $trigger.body.items }}', parameters: { values: { n: '{{ $item }}', double: '{{ $item * 2 }}' } } },
    ],
    connections: { Webhook: edge('Each') },
  });
  const pureHook = await api('POST', '/webhooks', { workflowId: pure.id, method: 'POST', responseMode: 'lastNode' });
  const pureBody = JSON.stringify({ items: items(PURE_ELEMENTS) });
  const pureMs = [];
  // One run first, not counted: warms the expression cache and the JIT.
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    const response = await fetch(`${base}/webhook/handler/${pureHook.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: pureBody });
    const answer = await response.json();
    if (response.status !== 200 || !Array.isArray(answer) || answer.length !== PURE_ELEMENTS) throw new Error(`pure forEach answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
    if (run > 0) pureMs.push(performance.now() - started);
  }

  const child = await api('POST', '/workflows', {
    name: 'bench: child',
    nodes: [
      { id: 'c1', name: 'Called', type: 'trigger', parameters: {} },
      { id: 'c2', name: 'Shape', type: 'set', parameters: { values: { n: '{{ $trigger.body.n }}', double: '{{ $trigger.body.n * 2 }}' } } },
    ],
    connections: { Called: edge('Shape') },
  });
  const parent = await api('POST', '/workflows', {
    name: 'bench: 100-element executeWorkflow forEach',
    active: true,
    nodes: [
      { id: 'p1', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'p2', name: 'Each', type: 'executeWorkflow', forEach: '{{ $trigger.body.items }}', forEachConcurrency: CHILD_CONCURRENCY, parameters: { workflowId: child.id, input: '{{ { "n": $item } }}' } },
    ],
    connections: { Webhook: edge('Each') },
  });
  const parentHook = await api('POST', '/webhooks', { workflowId: parent.id, method: 'POST', responseMode: 'onReceived' });
  const parentBody = JSON.stringify({ items: items(CHILDREN) });
  const childMs = [];
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    const response = await fetch(`${base}/webhook/handler/${parentHook.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: parentBody });
    const { executionId } = await response.json();
    if (response.status !== 202) throw new Error(`executeWorkflow forEach answered ${response.status}`);
    const status = await untilFinal(ctx.db, executionId, 120_000);
    if (status !== 'COMPLETED') throw new Error(`executeWorkflow forEach execution ${executionId} ended ${status}`);
    if (run > 0) childMs.push(performance.now() - started);
  }
  const [{ n: children }] = (await ctx.db.query(`SELECT count(*)::int AS n FROM workflow_executions WHERE mode = 'subworkflow' AND status = 'COMPLETED'`)).rows;
  if (children !== CHILDREN * (runs + 1)) throw new Error(`${children} children COMPLETED, expected ${CHILDREN * (runs + 1)}`);

  return {
    runs,
    pureForEach: { elements: PURE_ELEMENTS, msMedian: median(pureMs), elementsPerSecond: PURE_ELEMENTS / (median(pureMs) / 1000), ms: pureMs },
    executeWorkflowForEach: { children: CHILDREN, concurrency: CHILD_CONCURRENCY, msMedian: median(childMs), childrenPerSecond: CHILDREN / (median(childMs) / 1000), ms: childMs },
  };
}

async function untilFinal(db, id, capMs) {
  const deadline = Date.now() + capMs;
  for (;;) {
    const status = await db.executionStatus(id);
    if (['COMPLETED', 'FAILED', 'CANCELED'].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`execution ${id} still ${status} after ${capMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
