import { expect } from 'vitest';
import type { TestApp } from './test-app.js';
import { idAtTime, newId } from '../../src/common/uuid.js';

type Auth = { Authorization: string };

export interface NodeSpec {
  name: string;
  type: string;
  parameters?: Record<string, unknown>;
  [field: string]: unknown;
}

/** `[from, to]` or `[from, to, output]` or `[from, to, output, inputIndex]`. */
export type EdgeSpec = [string, string] | [string, string, number] | [string, string, number, number];

export function connections(edges: EdgeSpec[]): Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> {
  const out: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
  for (const [from, to, output = 0, index = 0] of edges) {
    const main = (out[from] ??= { main: [] }).main;
    while (main.length <= output) main.push([]);
    main[output].push({ node: to, type: 'main', index });
  }
  return out;
}

export function workflowBody(nodes: NodeSpec[], edges: EdgeSpec[], extra: Record<string, unknown> = {}) {
  return {
    name: `wf-${Math.random().toString(36).slice(2, 8)}`,
    nodes: nodes.map((node, i) => ({ id: `n${i}`, parameters: {}, ...node })),
    connections: connections(edges),
    active: true,
    ...extra,
  };
}

/** The first two nodes of docs/workflows.md's score router: the trigger and the condition on the score. */
export function scoreRouterHead(): NodeSpec[] {
  return [
    { name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['email', 'score'] } },
    {
      name: 'Check score',
      type: 'condition',
      parameters: {
        conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }],
        defaultOutput: 1,
      },
    },
  ];
}

/** docs/workflows.md's score router, its outside nodes replaced by `set` nodes. */
export function scoreRouter() {
  return workflowBody(
    [
      ...scoreRouterHead(),
      { name: 'Email', type: 'set', parameters: { values: { to: '{{ $trigger.body.email }}', subject: 'Hello {{ $context.name }}, your score is {{ $context.score }}' } } },
      { name: 'Telegram', type: 'set', parameters: { values: { message: 'Score: {{ $trigger.body.score }}', checked: '{{ $node.`Check score`.body.score }}' } } },
    ],
    [
      ['Webhook', 'Check score'],
      ['Check score', 'Email', 0],
      ['Check score', 'Telegram', 1],
    ],
  );
}

export async function createWorkflow(t: TestApp, body: Record<string, unknown>, auth: Auth = t.admin): Promise<{ id: string; version: number }> {
  const response = await t.http.post('/workflows').set(auth).send(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

export async function createWebhook(t: TestApp, workflowId: string, extra: Record<string, unknown> = {}, auth: Auth = t.admin): Promise<{ id: string; url: string }> {
  const response = await t.http.post('/webhooks').set(auth).send({ workflowId, method: 'POST', ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** Polls until the execution reaches one of `statuses`, and returns it. */
export async function waitForStatus(t: TestApp, id: string, statuses: string[], auth: Auth = t.admin, timeoutMs = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.http.get(`/executions/${id}`).set(auth);
    if (statuses.includes(response.body.status)) return response.body;
    if (Date.now() > deadline) throw new Error(`Execution ${id} still ${response.body.status} after ${timeoutMs} ms, waiting for ${statuses.join(' or ')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls until the execution reaches a final status. */
export const waitForExecution = (t: TestApp, id: string, auth: Auth = t.admin, timeoutMs = 15_000) => waitForStatus(t, id, ['COMPLETED', 'FAILED', 'CANCELED'], auth, timeoutMs);

/** Creates a credential through the API and returns its id. */
export async function createCredential(t: TestApp, type: string, data: Record<string, string>, auth: Auth = t.admin): Promise<string> {
  const response = await t.http.post('/credentials').set(auth).send({ name: `${type}-${Math.random().toString(36).slice(2, 8)}`, type, data });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  for (const value of Object.values(data)) if (value.length >= 4) expect(JSON.stringify(response.body)).not.toContain(value);
  return response.body.id;
}

export const nodeRecord = (execution: Record<string, any>, name: string) => execution.nodeExecutions.find((record: { nodeName: string }) => record.nodeName === name);

/** A UUIDv7-shaped id made at `ms`: the daily partition of that day holds it. */
export function idMadeAt(ms: number): string {
  return idAtTime(ms).slice(0, 14) + newId().slice(14);
}
