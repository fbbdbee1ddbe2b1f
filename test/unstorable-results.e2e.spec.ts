import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneOutput, type NodeExecutor, type NodeOutcome, type NodeRunContext } from '../src/nodes/node-executor.js';
import { NodeRegistry } from '../src/nodes/node-registry.js';
import { createWebhook, createWorkflow, nodeRecord, waitForExecution, workflowBody, type NodeSpec } from './support/factories.js';
import { startHttpTarget } from './support/http-target.js';
import type { RecordingServer } from './support/recording-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A node type of this test only, whose output JSON cannot represent: a cycle or a BigInt. Whatever
 * expressions may return, a node executor can produce such a value, and the engine has to cope.
 */
class UnstorableOutputNode implements NodeExecutor {
  readonly description = {
    type: 'testUnstorableOutput',
    displayName: 'Unstorable output (test)',
    parameters: { type: 'object' as const, properties: { kind: { type: 'string' as const, enum: ['cycle', 'bigint'], required: true } } },
    credentials: { types: [], required: false },
    outputs: oneOutput,
    sideEffects: false,
    instant: true,
  };

  async execute({ parameters }: NodeRunContext): Promise<NodeOutcome> {
    if (parameters.kind === 'bigint') return { kind: 'success', output: { big: 10n ** 30n } };
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    return { kind: 'success', output: cycle };
  }
}

/**
 * Issue 22 item 5: a result that cannot be stored fails its execution — committed FAILED, naming the
 * node and the reason — instead of leaving it RUNNING to be claimed again by every sweep, repeating
 * its outside calls. Covered: the run before the commit (pure workflows), the commit of progress
 * before an outside call, and the final state after one.
 */
describe('results that cannot be stored fail their execution', () => {
  let t: TestApp;
  let target: RecordingServer;

  beforeAll(async () => {
    target = await startHttpTarget();
    // A short lease and a fast sweep: an execution left RUNNING would be taken over within a second or two.
    t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '200', EXECUTION_LEASE_MS: '1000', HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}` });
    // Registered as NodesModule registers every executor: by type, description and all.
    const registry = t.app.get(NodeRegistry) as unknown as { executors: Map<string, NodeExecutor>; descriptions: Map<string, unknown> };
    const node = new UnstorableOutputNode();
    registry.executors.set(node.description.type, node);
    registry.descriptions.set(node.description.type, node.description);
  });

  afterAll(async () => {
    await t?.close();
    await target?.close();
  });

  const callsTo = (path: string) => target.requests.filter((request) => request.url.startsWith(path)).length;
  const poison = (kind: 'cycle' | 'bigint'): NodeSpec => ({ name: 'Poison', type: 'testUnstorableOutput', parameters: { kind } });
  const call = (path: string): NodeSpec => ({ name: 'Call', type: 'httpRequest', parameters: { method: 'POST', url: `${target.url}${path}`, body: { n: 1 } } });
  const chain = (nodes: NodeSpec[]) =>
    workflowBody(
      nodes,
      nodes.slice(1).map((node, i) => [nodes[i].name, node.name] as [string, string]),
    );

  async function fire(nodes: NodeSpec[], responseMode = 'onReceived'): Promise<{ id: string; answer: { status: number; body: any } }> {
    const workflow = await createWorkflow(t, chain(nodes));
    const hook = await createWebhook(t, workflow.id, { responseMode });
    const answer = await t.http.post(`/webhook/handler/${hook.id}`).send({ hello: 'world' });
    expect([200, 202, 500], answer.text).toContain(answer.status);
    const id = answer.body.executionId ?? answer.headers['x-execution-id'];
    return { id, answer };
  }

  /** FAILED, naming the node and the reason, and still so after several sweeps and leases. */
  async function expectFailedFor(id: string, reason: RegExp): Promise<Record<string, any>> {
    const execution = await waitForExecution(t, id);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toMatch(/^Node "Poison": its result could not be stored: /);
    expect(execution.error).toMatch(reason);
    expect(nodeRecord(execution, 'Poison')).toMatchObject({ status: 'FAILED', output: null });
    expect(nodeRecord(execution, 'Poison').error).toMatch(reason);
    expect(execution.completedAt).toEqual(expect.any(String));
    await sleep(2500);
    const later = (await t.http.get(`/executions/${id}`).set(t.admin).expect(200)).body;
    expect(later).toMatchObject({ status: 'FAILED', completedAt: execution.completedAt });
    return execution;
  }

  it('a pure workflow: the run before the commit is stored FAILED at once', async () => {
    const { id, answer } = await fire([{ name: 'Hook', type: 'trigger' }, poison('cycle'), { name: 'After', type: 'noOp' }], 'lastNode');
    expect(id).toEqual(expect.any(String));
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).toMatch(/Poison.*could not be stored/);
    await expectFailedFor(id, /circular/i);
  }, 20_000);

  it('before an outside call: progress that cannot be committed fails the execution, and the call never starts', async () => {
    const { id } = await fire([{ name: 'Hook', type: 'trigger' }, poison('bigint'), call('/echo/before')]);
    const execution = await expectFailedFor(id, /BigInt/);
    expect(nodeRecord(execution, 'Hook').status).toBe('SUCCESS');
    expect(nodeRecord(execution, 'Call').status).toMatch(/FAILED|SKIPPED/);
    expect(callsTo('/echo/before')).toBe(0);
  }, 20_000);

  it('after an outside call: the final state fails the execution, and the call is not repeated by the sweep', async () => {
    const { id } = await fire([{ name: 'Hook', type: 'trigger' }, call('/echo/after'), poison('cycle'), { name: 'After', type: 'noOp' }]);
    const execution = await expectFailedFor(id, /circular/i);
    // What could be stored was: the call's result is kept.
    expect(nodeRecord(execution, 'Call')).toMatchObject({ status: 'SUCCESS', output: { status: 200 } });
    expect(callsTo('/echo/after')).toBe(1);
  }, 20_000);

  it('text jsonb refuses (an unpaired surrogate) in a node result is stored replaced, and fails no execution written with it', async () => {
    // JSONata reads `\ud800` in a string literal as the lone surrogate itself; PostgreSQL refuses
    // it in jsonb ("Unicode low surrogate must follow a high surrogate").
    const workflow = await createWorkflow(
      t,
      chain([{ name: 'Hook', type: 'trigger' }, { name: 'Copy', type: 'set', parameters: { values: { s: '{{ $context.lone ? "a\\ud800b" : $context.s }}' } } }, call('/echo/surrogate')]),
    );
    const hook = await createWebhook(t, workflow.id);
    const sends = await Promise.all([
      t.http.post(`/webhook/handler/${hook.id}`).send({ lone: true }),
      ...Array.from({ length: 5 }, (_, i) => t.http.post(`/webhook/handler/${hook.id}`).send({ s: `plain ${i}` })),
    ]);
    expect(sends.map((sent) => sent.status)).toEqual(Array(6).fill(202));
    const execution = await waitForExecution(t, sends[0].body.executionId);
    expect(execution.status).toBe('COMPLETED');
    expect(nodeRecord(execution, 'Copy').output).toMatchObject({ s: 'a\ufffdb' });
    for (const [i, sent] of sends.slice(1).entries()) {
      const other = await waitForExecution(t, sent.body.executionId);
      expect(other.status).toBe('COMPLETED');
      expect(nodeRecord(other, 'Copy').output).toMatchObject({ s: `plain ${i}` });
    }
  }, 20_000);
});
