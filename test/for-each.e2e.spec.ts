import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { newId } from '../src/common/uuid.js';
import type { NodeExecution } from '../src/executions/execution.types.js';
import { ExecutionsRepository } from '../src/executions/executions.repository.js';
import { testDatabaseUrl } from './support/test-database.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody, type NodeSpec } from './support/factories.js';
import { RecordingServer, sendJson } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { deleteRedisKeys } from './support/redis-keys.js';

/**
 * A list API: `/item/:id` answers `{ id }` after a random delay (so elements finish out of order),
 * `/fail/:id` always 500, `/flaky/:id` 500 on the first call of each id. Counts calls in flight.
 */
class ListApi {
  inFlight = 0;
  maxInFlight = 0;
  private readonly flaky = new Set<string>();
  readonly server = new RecordingServer(async (request, response) => {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 40));
    this.inFlight -= 1;
    const [, route, id] = new URL(request.url, 'http://api').pathname.split('/');
    if (route === 'fail') return sendJson(response, 500, { error: `no ${id}` });
    if (route === 'flaky' && !this.flaky.has(id)) {
      this.flaky.add(id);
      return sendJson(response, 500, { error: 'try again' });
    }
    sendJson(response, 200, { id });
  });

  reset(): void {
    this.server.requests.length = 0;
    this.maxInFlight = 0;
  }
}

describe('forEach (docs/lists-and-subworkflows.md)', () => {
  let t: TestApp;
  const api = new ListApi();

  beforeAll(async () => {
    await api.server.start();
    t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${api.server.port}` });
  });
  afterAll(async () => {
    await t.close();
    await api.server.close();
  });
  beforeEach(() => api.reset());

  /** Runs trigger → `Each` (→ `After`, a set node reading Each's output) with `body` and returns the execution. */
  async function run(each: NodeSpec, body: unknown, after = false) {
    const nodes: NodeSpec[] = [{ name: 'Start', type: 'trigger' }, each];
    if (after) nodes.push({ name: 'After', type: 'set', parameters: { values: { count: '{{ $count($json) }}' } } });
    const workflow = await createWorkflow(t, workflowBody(nodes, after ? [['Start', 'Each'], ['Each', 'After']] : [['Start', 'Each']]));
    const hook = await createWebhook(t, workflow.id);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send(body as object).expect(202);
    const execution = await waitForExecution(t, accepted.body.executionId, t.admin, 60_000);
    return { execution, each: nodeRecord(execution, 'Each') };
  }

  const call = (route: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({
    name: 'Each',
    type: 'httpRequest',
    forEach: '{{ $trigger.body.items }}',
    parameters: { url: `${api.server.url}/${route}/{{ $item }}?index={{ $index }}` },
    ...extra,
  });

  it('calls once per element, at most forEachConcurrency at a time, and outputs in element order', async () => {
    const items = Array.from({ length: 12 }, (_, i) => `e${i}`);
    const { execution, each } = await run(call('item', { forEachConcurrency: 3 }), { items }, true);
    expect(execution.status).toBe('COMPLETED');
    expect(api.server.requests.map((r) => r.url).sort()).toEqual(items.map((id, i) => `/item/${id}?index=${i}`).sort());
    expect(api.maxInFlight).toBeLessThanOrEqual(3);
    expect(api.maxInFlight).toBeGreaterThan(1);
    expect(each.status).toBe('SUCCESS');
    expect(each.output.map((o: { data: { id: string } }) => o.data.id)).toEqual(items);
    expect(each.attempts).toBe(12);
    expect(each.elements.map((e: { index: number; status: string; attempts: number; error: unknown }) => [e.index, e.status, e.attempts, e.error])).toEqual(items.map((_, i) => [i, 'SUCCESS', 1, null]));
    expect(each.elements[4].output).toMatchObject({ status: 200, data: { id: 'e4' } });
    expect(nodeRecord(execution, 'After').output).toEqual({ count: 12 });
  });

  it('runs one element at a time by default', async () => {
    const { execution } = await run(call('item'), { items: ['a', 'b', 'c', 'd'] });
    expect(execution.status).toBe('COMPLETED');
    expect(api.maxInFlight).toBe(1);
    expect(api.server.requests.map((r) => r.url)).toEqual(['/item/a?index=0', '/item/b?index=1', '/item/c?index=2', '/item/d?index=3']);
  });

  it('retries each element on its own', async () => {
    const { execution, each } = await run(call('flaky', { retryOnFail: true, maxTries: 2, waitBetweenTries: 0, forEachConcurrency: 2 }), { items: ['x', 'y', 'z'] });
    expect(execution.status).toBe('COMPLETED');
    expect(each.elements.map((e: { attempts: number }) => e.attempts)).toEqual([2, 2, 2]);
    expect(each.attempts).toBe(6);
    expect(api.server.requests).toHaveLength(6);
  });

  it('fails the node naming the index of an element that failed after its retries', async () => {
    const node = call('item', { parameters: { url: `${api.server.url}/{{ $item = 'bad' ? 'fail' : 'item' }}/{{ $item }}` } });
    const { execution, each } = await run(node, { items: ['a', 'bad', 'c'] });
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^Node "Each" failed: element 1 failed: .*500/);
    expect(each.status).toBe('FAILED');
    expect(each.elements.map((e: { status: string }) => e.status)).toEqual(['SUCCESS', 'FAILED']);
    // One at a time: the element after the failure never starts.
    expect(api.server.requests.map((r) => r.url)).toEqual(['/item/a', '/fail/bad']);
  });

  it('with continueOnFail, a failed element outputs { error } and the others go on', async () => {
    const node = call('item', { continueOnFail: true, forEachConcurrency: 2, parameters: { url: `${api.server.url}/{{ $item = 'bad' ? 'fail' : 'item' }}/{{ $item }}` } });
    const { execution, each } = await run(node, { items: ['a', 'bad', 'c'] }, true);
    expect(execution.status).toBe('COMPLETED');
    expect(each.status).toBe('SUCCESS');
    expect(each.output[0].data).toEqual({ id: 'a' });
    expect(each.output[1]).toEqual({ error: expect.stringMatching(/500/) });
    expect(each.output[2].data).toEqual({ id: 'c' });
    expect(each.elements[1]).toMatchObject({ index: 1, status: 'FAILED', attempts: 1, output: { error: expect.stringMatching(/500/) }, error: expect.stringMatching(/500/) });
    expect(nodeRecord(execution, 'After').output).toEqual({ count: 3 });
  });

  it('a retry from the failed node runs only the elements that did not succeed', async () => {
    const node = call('item', { parameters: { url: `${api.server.url}/{{ $index = 1 ? 'flaky' : 'item' }}/{{ $item }}` } });
    const { execution } = await run(node, { items: ['a', 'retry-b', 'c'] });
    expect(execution.status).toBe('FAILED');
    const accepted = await t.http.post(`/executions/${execution.id}/retry`).set(t.admin).send({}).expect(201);
    const retried = await waitForExecution(t, accepted.body.id);
    expect(retried.status).toBe('COMPLETED');
    expect(api.server.requests.map((r) => r.url)).toEqual(['/item/a', '/flaky/retry-b', '/flaky/retry-b', '/item/c']);
    const each = nodeRecord(retried, 'Each');
    expect(each.output.map((o: { data: { id: string } }) => o.data.id)).toEqual(['a', 'retry-b', 'c']);
    expect(each.elements.map((e: { attempts: number }) => e.attempts)).toEqual([1, 1, 1]);
  });

  it('outputs [] for an empty list, calling nothing', async () => {
    const { execution, each } = await run(call('item'), { items: [] }, true);
    expect(execution.status).toBe('COMPLETED');
    expect(each).toMatchObject({ status: 'SUCCESS', output: [], elements: [] });
    expect(api.server.requests).toHaveLength(0);
    expect(nodeRecord(execution, 'After').output).toEqual({ count: 0 });
  });

  it('binds $item and $index for every parameter, plain paths and JSONata alike', async () => {
    const node: NodeSpec = { name: 'Each', type: 'set', forEach: '{{ $trigger.body.orders }}', parameters: { values: { sku: '{{ $item.sku }}', total: '{{ $item.qty * $item.price }}', line: '{{ $index + 1 }}', customer: '{{ $context.customer }}' } } };
    const { execution, each } = await run(node, { customer: 'ada', orders: [{ sku: 'A', qty: 2, price: 3 }, { sku: 'B', qty: 1, price: 10 }] });
    expect(execution.status).toBe('COMPLETED');
    expect(each.output).toEqual([
      { sku: 'A', total: 6, line: 1, customer: 'ada' },
      { sku: 'B', total: 10, line: 2, customer: 'ada' },
    ]);
  });

  it('fails the node naming the count beyond 10,000 elements, and when the list is not an array', async () => {
    const tooMany = await run({ name: 'Each', type: 'set', forEach: '{{ [1..10001] }}', parameters: { values: { n: '{{ $item }}' } } }, {});
    expect(tooMany.execution.status).toBe('FAILED');
    expect(tooMany.each.error).toBe('forEach yielded 10001 elements; a node runs over at most 10000');
    const atLimit = await run({ name: 'Each', type: 'set', forEach: '{{ [1..10000] }}', parameters: { values: { n: '{{ $item }}' } } }, {});
    expect(atLimit.execution.status).toBe('COMPLETED');
    expect(atLimit.each.output).toHaveLength(10_000);
    expect(atLimit.each.output[9_999]).toEqual({ n: 10_000 });
    const notAList = await run({ name: 'Each', type: 'set', forEach: '{{ $trigger.body }}', parameters: { values: {} } }, { a: 1 });
    expect(notAList.each.error).toBe('forEach must yield an array, got an object');
  }, 150_000); // A 10,000-element record takes a while to store and read back on the embedded PGlite, shared by every test file.

  it('shows the elements in the HTML view as a collapsible list', async () => {
    const { execution } = await run(call('item'), { items: ['<b>a</b>', 'b'] });
    const html = (await t.http.get(`/executions/${execution.id}/view`).set(t.admin).expect(200)).text;
    expect(html).toContain('<details class="elements"><summary>Elements: 2</summary>');
    expect(html).toContain('[1]</span> <span class="badge">SUCCESS</span> attempts: 1');
    expect(html).not.toContain('<b>a</b>');
  });

  it('runs the worked example of docs/lists-and-subworkflows.md as written', async () => {
    const page = readFileSync(new URL('../docs/lists-and-subworkflows.md', import.meta.url), 'utf8');
    const example = JSON.parse(/```json\n(\{\n  "name"[\s\S]*?)\n```/.exec(page)![1].replaceAll('https://stock.example.com', api.server.url));
    const workflow = await createWorkflow(t, { ...example, active: true });
    const hook = await createWebhook(t, workflow.id, { responseMode: 'responseNode' });
    const lines = [{ sku: 'A-1', qty: 2 }, { sku: 'B-7', qty: 1 }, { sku: 'C-3', qty: 9 }];
    const answer = await t.http.post(`/webhook/handler/${hook.id}`).send({ lines }).expect(200);
    expect(answer.body).toMatchObject({ lines: 3, unchecked: 0 });
    expect(api.server.requests.map((r) => r.url).sort()).toEqual(['/items/A-1?qty=2&line=0', '/items/B-7?qty=1&line=1', '/items/C-3?qty=9&line=2']);
  });

  it('rejects forEach where it cannot run, or that does not parse, with 400 naming node and field', async () => {
    const onMerge = workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Join', type: 'merge', forEach: '{{ $json }}' }], [['Start', 'Join']]);
    const merge = await t.http.post('/workflows').set(t.admin).send(onMerge).expect(400);
    expect(JSON.stringify(merge.body)).toContain('node \\"Join\\": field \\"forEach\\": a merge node cannot run once per element');
    const broken = workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Each', type: 'noOp', forEach: '{{ $json.items[ }}', forEachConcurrency: 51 }], [['Start', 'Each']]);
    const response = await t.http.post('/workflows').set(t.admin).send(broken).expect(400);
    expect(JSON.stringify(response.body)).toContain('node \\"Each\\": field \\"forEach\\": invalid expression');
    expect(JSON.stringify(response.body)).toContain('node \\"Each\\": field \\"forEachConcurrency\\" must be an integer from 1 to 50');
  });
});

/** docs/lists-and-subworkflows.md durability: finished elements are committed before more start, and a recovered run keeps them. */
describe('forEach durability', () => {
  let db: DataSource;
  let api: RecordingServer;
  /** What the committed record held each time a call arrived: the elements already SUCCESS. */
  const committedAtCall: Array<{ url: string; committed: number[] }> = [];
  let workflowId = '';

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(await testDatabaseUrl(), 2));
    await db.initialize();
    api = await new RecordingServer(async (request, response) => {
      if (workflowId) {
        const rows: Array<{ nodeExecutions: NodeExecution[] | null }> = await db.query('SELECT "nodeExecutions" FROM workflow_executions WHERE "workflowId" = $1', [workflowId]);
        const each = rows[0]?.nodeExecutions?.find((record) => record.nodeName === 'Each');
        committedAtCall.push({ url: request.url, committed: (each?.elements ?? []).filter((element) => element.status === 'SUCCESS').map((element) => element.index) });
      }
      sendJson(response, 200, { url: request.url });
    }).start();
  });
  afterAll(async () => {
    await db.destroy();
    await api.close();
  });

  const eachWorkflow = (concurrency: number) =>
    workflowBody(
      [
        { name: 'Start', type: 'trigger' },
        { name: 'Each', type: 'httpRequest', forEach: '{{ $trigger.body.items }}', forEachConcurrency: concurrency, parameters: { url: `${api.url}/item/{{ $item }}` } },
      ],
      [['Start', 'Each']],
    );

  it('commits every finished element before the next one starts', async () => {
    const t = await startTestApp({ HTTP_ALLOWED_HOSTS: `127.0.0.1:${api.port}` });
    try {
      const workflow = await createWorkflow(t, eachWorkflow(1));
      const hook = await createWebhook(t, workflow.id);
      workflowId = workflow.id;
      const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ items: [0, 1, 2, 3, 4] }).expect(202);
      expect((await waitForExecution(t, accepted.body.executionId)).status).toBe('COMPLETED');
      expect(committedAtCall).toEqual([0, 1, 2, 3, 4].map((i) => ({ url: `/item/${i}`, committed: [0, 1, 2, 3, 4].slice(0, i) })));
    } finally {
      workflowId = '';
      await t.close();
    }
  });

  it('after a crash, runs again only the elements that were in flight, their attempts counted', async () => {
    const setup = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    const workflow = await createWorkflow(setup, eachWorkflow(2));
    const ownerId = (await setup.http.get('/users/me').set(setup.admin).expect(200)).body.id;
    await setup.close();
    // What a worker that died with elements 2 and 3 in flight committed.
    const startedAt = new Date(Date.now() - 1000).toISOString();
    const trigger = { body: { items: ['a', 'b', 'c', 'd', 'e'] }, headers: {}, query: {}, method: 'POST', receivedAt: startedAt };
    const done = (index: number) => ({ index, status: 'SUCCESS', attempts: 1, output: { status: 200, headers: {}, data: { url: `/item/${'ab'[index]}`, before: true } }, error: null });
    const records = [
      { nodeId: 'n0', nodeName: 'Start', nodeType: 'trigger', status: 'SUCCESS', input: null, output: trigger, error: null, attempts: 1, branch: 0, startedAt, completedAt: startedAt, executionTime: 0 },
      {
        nodeId: 'n1', nodeName: 'Each', nodeType: 'httpRequest', status: 'RUNNING', input: trigger, output: null, error: null, attempts: 0, branch: null, startedAt, completedAt: null, executionTime: null,
        elements: [done(0), done(1), { index: 2, status: 'RUNNING', attempts: 1, output: null, error: null }, { index: 3, status: 'RUNNING', attempts: 1, output: null, error: null }],
      },
    ];
    const id = newId();
    await new ExecutionsRepository(db).insertMany([{ id, workflowId: workflow.id, workflowVersion: workflow.version, webhookId: null, userId: ownerId, mode: 'webhook', triggerData: trigger, idempotencyKey: null, retryOf: null, createdAt: new Date() }]);
    await db.query(`UPDATE workflow_executions SET status = 'RUNNING', attempt = 1, "leaseOwner" = 'dead-worker', "leaseExpiresAt" = now() - interval '1 second', "startedAt" = $2, "nodeExecutions" = $3 WHERE id = $1`, [id, new Date(startedAt), JSON.stringify(records)]);
    const callsBefore = api.requests.length;
    const t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '200', HTTP_ALLOWED_HOSTS: `127.0.0.1:${api.port}` });
    try {
      const execution = await waitForExecution(t, id);
      expect(execution.status).toBe('COMPLETED');
      expect(api.requests.slice(callsBefore).map((r) => r.url).sort()).toEqual(['/item/c', '/item/d', '/item/e']);
      const each = nodeRecord(execution, 'Each');
      expect(each.output.map((o: { data: { url: string } }) => o.data.url)).toEqual(['a', 'b', 'c', 'd', 'e'].map((item) => `/item/${item}`));
      expect(each.output[0].data.before).toBe(true);
      expect(each.elements.map((e: { attempts: number }) => e.attempts)).toEqual([1, 1, 2, 2, 1]);
      expect(each.attempts).toBe(7);
    } finally {
      await t.close();
    }
  });
});

describe('forEach in queue mode (api + worker on Redis)', () => {
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `wfe_test_foreach_${process.pid}_${Date.now()}`;
  const api = new ListApi();
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await api.server.close();
    await deleteRedisKeys(redisUrl, prefix);
  });

  it('runs the elements on the worker and serves the record from the api', async () => {
    await api.server.start();
    const env = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, EXECUTION_SWEEP_INTERVAL_MS: '600000', HTTP_ALLOWED_HOSTS: `127.0.0.1:${api.server.port}` };
    const front = await startTestApp({ ...env, APP_ROLE: 'api' });
    apps.push(front);
    apps.push(await startTestApp({ ...env, APP_ROLE: 'worker' }));
    const workflow = await createWorkflow(
      front,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Each', type: 'httpRequest', forEach: '{{ $trigger.body.items }}', forEachConcurrency: 4, parameters: { url: `${api.server.url}/item/{{ $item }}` } },
        ],
        [['Start', 'Each']],
      ),
    );
    const hook = await createWebhook(front, workflow.id);
    const items = Array.from({ length: 20 }, (_, i) => `q${i}`);
    const accepted = await front.http.post(`/webhook/handler/${hook.id}`).send({ items }).expect(202);
    const execution = await waitForExecution(front, accepted.body.executionId, front.admin, 30_000);
    expect(execution.status).toBe('COMPLETED');
    const each = nodeRecord(execution, 'Each');
    expect(each.output.map((o: { data: { id: string } }) => o.data.id)).toEqual(items);
    expect(each.elements).toHaveLength(20);
    expect(api.maxInFlight).toBeLessThanOrEqual(4);
    expect(api.server.requests).toHaveLength(20);
  });
});
