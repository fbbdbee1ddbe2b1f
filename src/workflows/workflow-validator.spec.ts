import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/app-config.js';
import { ConditionNode } from '../nodes/condition.node.js';
import { MergeNode } from '../nodes/merge.node.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import { NoOpNode } from '../nodes/no-op.node.js';
import { SendEmailNode } from '../nodes/send-email.node.js';
import { SendTelegramNode } from '../nodes/send-telegram.node.js';
import { SetNode } from '../nodes/set.node.js';
import { TriggerNode } from '../nodes/trigger.node.js';
import { reachabilityWarnings, validateSettings, validateWorkflow, type CredentialRecord, type DefinitionInput } from './workflow-validator.js';
import type { ConnectionTarget, WorkflowNode } from './workflow.types.js';

const config = loadConfig({});
const registry = new NodeRegistry([new TriggerNode(), new ConditionNode(), new SetNode(), new MergeNode(), new NoOpNode(), new SendEmailNode(config), new SendTelegramNode(config)]);
const OWNER = '01900000-0000-7000-8000-000000000001';
/** Workflows the owner can see (its own, or any for an admin); others exist but are someone else's. */
const VISIBLE_WORKFLOWS = ['01900000-0000-7000-8000-0000000000e1'];
const OTHER_USER = '01900000-0000-7000-8000-000000000002';
const RESEND_ID = '01900000-0000-7000-8000-0000000000a1';
const TELEGRAM_ID = '01900000-0000-7000-8000-0000000000a2';
const FOREIGN_ID = '01900000-0000-7000-8000-0000000000a3';
const MISSING_ID = '01900000-0000-7000-8000-0000000000a4';

const credentials: CredentialRecord[] = [
  { id: RESEND_ID, type: 'resend', ownerId: OWNER },
  { id: TELEGRAM_ID, type: 'telegram', ownerId: OWNER },
  { id: FOREIGN_ID, type: 'resend', ownerId: OTHER_USER },
];

const to = (node: string, index = 0): ConnectionTarget => ({ node, type: 'main', index });

const node = (name: string, type: string, parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): WorkflowNode => ({ id: `id-${name}`, name, type, parameters, ...extra });

/** docs/workflows.md's example, with `set` nodes in place of the e-mail and Telegram ones. */
function definition(overrides: Partial<DefinitionInput> = {}): DefinitionInput {
  return {
    nodes: [
      node('Webhook', 'trigger', { requiredFields: ['email', 'score'] }),
      node('Check score', 'condition', {
        conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }],
        defaultOutput: 1,
      }),
      node('High', 'set', { values: { greeting: 'Hello {{ $trigger.body.name }}' } }, { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 }),
      node('Low', 'set', { values: { score: '{{ $trigger.body.score }}' } }, { continueOnFail: true }),
    ],
    connections: {
      Webhook: { main: [[to('Check score')]] },
      'Check score': { main: [[to('High')], [to('Low')]] },
    },
    settings: { timeoutMs: 300_000 },
    ...overrides,
  };
}

function withNodes(extra: WorkflowNode[], connections?: Record<string, unknown>): DefinitionInput {
  const base = definition();
  return { ...base, nodes: [...base.nodes, ...extra], connections: { ...(base.connections as object), ...connections } };
}

function validate(input: DefinitionInput, findCredentials = async (ids: string[]) => credentials.filter((credential) => ids.includes(credential.id))) {
  return validateWorkflow(input, { registry, ownerId: OWNER, findCredentials, findVisibleWorkflows: async (ids) => ids.filter((id) => VISIBLE_WORKFLOWS.includes(id)) });
}

async function errorsOf(input: DefinitionInput): Promise<string[]> {
  return (await validate(input)).errors;
}

describe('validateWorkflow', () => {
  it('accepts the docs/workflows.md example with no errors or warnings', async () => {
    expect(await validate(definition())).toEqual({ errors: [], warnings: [] });
  });

  it('warns about nodes no path from the trigger reaches, without rejecting them', async () => {
    const result = await validate(withNodes([node('Orphan', 'noOp', {}), node('After orphan', 'noOp', {})], { Orphan: { main: [[to('After orphan')]] } }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual(['node "Orphan" is not reachable from the trigger', 'node "After orphan" is not reachable from the trigger']);
  });

  describe('nodes', () => {
    it('rejects duplicate names and ids, naming the node and field', async () => {
      const errors = await errorsOf(withNodes([node('High', 'noOp', {}, { id: 'fresh' }), node('Other', 'noOp', {}, { id: 'id-Low' })]));
      expect(errors).toContain('node "High": field "name" must be unique, but 2 nodes are named "High"');
      expect(errors).toContain('node "Other": field "id" ("id-Low") is already used by node "Low"');
    });

    it('rejects unknown node types', async () => {
      expect(await errorsOf(withNodes([node('Mystery', 'teleport', {})]))).toEqual(['node "Mystery": field "type": unknown node type "teleport"']);
    });

    it('rejects a node without a usable name or id', async () => {
      const errors = await errorsOf(withNodes([{ ...node('x', 'noOp', {}), name: '' }, node('No id', 'noOp', {}, { id: '' })]));
      expect(errors).toContain('nodes[4]: field "name" must be a non-empty string');
      expect(errors).toContain('node "No id": field "id" must be a non-empty string');
    });

    it('allows at most 200 nodes', async () => {
      const many = Array.from({ length: 201 }, (_, i) => node(`n${i}`, i === 0 ? 'trigger' : 'noOp', {}));
      expect(await errorsOf(definition({ nodes: many, connections: {} }))).toEqual(['nodes: a workflow has at most 200 nodes, got 201']);
    });

    it('needs exactly one trigger', async () => {
      const none = definition();
      expect(await errorsOf({ ...none, nodes: none.nodes.slice(1), connections: {} })).toContain('nodes: a workflow needs exactly one "trigger" or "schedule" node, found none');
      expect(await errorsOf(withNodes([node('Second', 'trigger', {})]))).toContain('nodes: a workflow needs exactly one "trigger" or "schedule" node, found 2 ("Webhook", "Second")');
    });

    it.each([
      [{ maxTries: 0 }, 'field "maxTries" must be an integer from 1 to 10'],
      [{ maxTries: 11 }, 'field "maxTries" must be an integer from 1 to 10'],
      [{ maxTries: 2.5 }, 'field "maxTries" must be an integer from 1 to 10'],
      [{ waitBetweenTries: -1 }, 'field "waitBetweenTries" must be an integer from 0 to 60000'],
      [{ waitBetweenTries: 60_001 }, 'field "waitBetweenTries" must be an integer from 0 to 60000'],
      [{ timeoutMs: 0 }, 'field "timeoutMs" must be an integer from 1 to 3600000'],
      [{ timeoutMs: 3_600_001 }, 'field "timeoutMs" must be an integer from 1 to 3600000'],
      [{ retryOnFail: 'yes' }, 'field "retryOnFail" must be a boolean'],
      [{ continueOnFail: 1 }, 'field "continueOnFail" must be a boolean'],
      [{ disabled: null }, 'field "disabled" must be a boolean'],
      [{ notes: 42 }, 'field "notes" must be a string'],
      [{ color: 'red' }, 'unknown field "color"'],
      [{ forEach: '{{ $json.items }}', forEachConcurrency: 0 }, 'field "forEachConcurrency" must be an integer from 1 to 50'],
      [{ forEach: '{{ $json.items }}', forEachConcurrency: 51 }, 'field "forEachConcurrency" must be an integer from 1 to 50'],
      [{ forEach: ['a'] }, 'field "forEach" must be an expression yielding an array, such as "{{ $json.items }}"'],
      [{ forEach: 'items' }, 'field "forEach" must be an expression yielding an array, such as "{{ $json.items }}"'],
    ])('checks node-level fields: %o', async (fields, message) => {
      const errors = await errorsOf(withNodes([node('Tuned', 'noOp', {}, fields as Partial<WorkflowNode>)], { 'Check score': { main: [[to('High'), to('Tuned')], [to('Low')]] } }));
      expect(errors).toEqual([`node "Tuned": ${message}`]);
    });

    it('rejects a forEach expression that does not parse, naming node and field', async () => {
      const errors = await errorsOf(withNodes([node('Each', 'noOp', {}, { forEach: '{{ $json.items[ }}' })], { Low: { main: [[to('Each')]] } }));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^node "Each": field "forEach": invalid expression: /);
    });

    it('rejects forEach on the node types that cannot run per element', async () => {
      const merge = node('Join', 'merge', { mode: 'append' }, { forEach: '{{ $json }}' });
      const errors = await errorsOf(withNodes([merge], { Low: { main: [[to('Join')]] } }));
      expect(errors).toEqual(['node "Join": field "forEach": a merge node cannot run once per element']);
      const base = definition();
      const trigger = { ...base.nodes[0], forEach: '{{ $json }}' };
      expect(await errorsOf({ ...base, nodes: [trigger, ...base.nodes.slice(1)] })).toEqual(['node "Webhook": field "forEach": a trigger node cannot run once per element']);
    });

    it('accepts node-level fields at their bounds', async () => {
      const tuned = node('Tuned', 'noOp', {}, { maxTries: 10, waitBetweenTries: 0, timeoutMs: 3_600_000, retryOnFail: false, disabled: true, position: [100, 200], notes: 'n', forEach: '{{ $json.items }}', forEachConcurrency: 50 });
      expect(await errorsOf(withNodes([tuned], { Low: { main: [[to('Tuned')]] } }))).toEqual([]);
    });
  });

  describe('parameters', () => {
    it('rejects parameters that fail the type schema, naming the parameter', async () => {
      const errors = await errorsOf(withNodes([node('Bad set', 'set', { includeInput: 'yes' }), node('Bad merge', 'merge', { mode: 'zip', extra: 1 })]));
      expect(errors).toEqual([
        'node "Bad set": parameter "values" is required',
        'node "Bad set": parameter "includeInput" must be a boolean, got string',
        'node "Bad merge": parameter "mode" must be one of append, mergeObjects, passThrough, got "zip"',
        'node "Bad merge": parameter "extra" is not a known parameter (known: mode)',
      ]);
    });

    it('rejects parameters that are not an object', async () => {
      expect(await errorsOf(withNodes([node('Odd', 'noOp', [] as unknown as Record<string, unknown>)]))).toContain('node "Odd": field "parameters" must be an object');
    });

    it("applies the type's own validate() rules", async () => {
      const regex = node('Regex', 'condition', { conditions: [{ output: 0, rules: [{ field: 'x', operator: 'matchesRegex', value: '(unclosed' }] }] });
      const errors = await errorsOf(withNodes([regex]));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^node "Regex": parameter "conditions\[0\]\.rules\[0\]\.value" is not a valid regular expression/);
    });

    it('accepts an expression wherever a value is', async () => {
      const dynamic = node('Dynamic', 'set', { values: { a: 1 }, includeInput: '{{ $trigger.body.merge }}' });
      expect(await errorsOf(withNodes([dynamic], { Low: { main: [[to('Dynamic')]] } }))).toEqual([]);
    });

    it('rejects an expression that does not parse, with its parameter path and reason', async () => {
      const broken = node('Broken', 'set', { values: { nested: { list: ['ok', 'Hi {{ $trigger.body. }}'] } } });
      const errors = await errorsOf(withNodes([broken], { Low: { main: [[to('Broken')]] } }));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^node "Broken": parameter "values\.nested\.list\[1\]": invalid expression: .+/);
    });

    it('rejects an unclosed or empty expression', async () => {
      const errors = await errorsOf(withNodes([node('Open', 'set', { values: { a: '{{ $json.a', b: '{{ }}' } })], { Low: { main: [[to('Open')]] } }));
      expect(errors).toEqual([
        'node "Open": parameter "values.a": invalid expression: "{{" is never closed by "}}"',
        'node "Open": parameter "values.b": invalid expression: empty expression "{{ }}"',
      ]);
    });
  });

  describe('connections', () => {
    it('rejects a connection from a node that does not exist', async () => {
      expect(await errorsOf(withNodes([], { Ghost: { main: [[to('High')]] } }))).toEqual(['connections."Ghost": source node "Ghost" does not exist']);
    });

    it('rejects a connection to a node that does not exist', async () => {
      expect(await errorsOf(withNodes([], { High: { main: [[to('Ghost')]] } }))).toEqual(['connections."High".main[0][0]: target node "Ghost" does not exist']);
    });

    it('rejects an output index the source node does not have', async () => {
      expect(await errorsOf(withNodes([], { High: { main: [[], [to('Low')]] } }))).toEqual(['connections."High".main[1]: node "High" has 1 output(s), so output 1 does not exist']);
      const third = { 'Check score': { main: [[to('High')], [to('Low')], [to('High')]] } };
      expect(await errorsOf(withNodes([], third))).toEqual(['connections."Check score".main[2]: node "Check score" has 2 output(s), so output 2 does not exist']);
    });

    it('rejects a cycle, naming its nodes', async () => {
      expect(await errorsOf(withNodes([], { High: { main: [[to('Check score')]] } }))).toEqual(['connections: nodes "Check score" → "High" → "Check score" form a cycle']);
      expect(await errorsOf(withNodes([], { Low: { main: [[to('Low')]] } }))).toEqual(['connections: nodes "Low" → "Low" form a cycle']);
    });

    it('rejects a connection into the trigger', async () => {
      const upstream = withNodes([node('Upstream', 'noOp', {})], { Upstream: { main: [[to('Webhook')]] } });
      expect(await errorsOf(upstream)).toEqual(['connections."Upstream": node "Webhook" is a trigger and takes no input']);
    });

    it('rejects malformed connection entries', async () => {
      expect(await errorsOf(definition({ connections: [] }))).toContain('connections: must be an object keyed by source node name');
      expect(await errorsOf(withNodes([], { High: { main: 'Low' } }))).toEqual(['connections."High": must be { "main": [[targets of output 0], …] }']);
      expect(await errorsOf(withNodes([], { High: { main: [[to('Low')]], ai_tool: [] } }))).toEqual(['connections."High": connection type "ai_tool" is not supported (only "main")']);
      expect(await errorsOf(withNodes([], { High: { main: [to('Low')] } }))).toEqual(['connections."High".main[0]: must be an array of targets']);
      expect(await errorsOf(withNodes([], { High: { main: [[{ node: 'Low', type: 'main', index: -1 }]] } }))).toEqual(['connections."High".main[0][0]: field "index" must be a non-negative integer']);
      expect(await errorsOf(withNodes([], { High: { main: [[{ node: 'Low', type: 'ai', index: 0 }]] } }))).toEqual(['connections."High".main[0][0]: field "type" must be "main"']);
      expect(await errorsOf(withNodes([], { High: { main: [[{ name: 'Low' }]] } }))).toEqual(['connections."High".main[0][0]: unknown field(s) "name"']);
    });

    it('accepts null outputs as n8n exports them, and merge inputs by index', async () => {
      const merge = node('Merge', 'merge', { mode: 'append' });
      const connections = { High: { main: [[to('Merge', 0)]] }, Low: { main: [[to('Merge', 1)]] }, Merge: { main: [null] } };
      expect(await validate(withNodes([merge], connections))).toEqual({ errors: [], warnings: [] });
    });
  });

  describe('credentials', () => {
    const email = (credentialRefs: WorkflowNode['credentials']) => node('Email', 'sendEmail', { fromEmail: 'a@example.com', toEmail: '{{ $trigger.body.email }}', subject: 's', body: 'b' }, { credentials: credentialRefs });
    const reached = (extra: WorkflowNode) => withNodes([extra], { High: { main: [[to(extra.name)]] } });

    it('accepts an owned credential of the right type, looked up in one call', async () => {
      const lookup = vi.fn(async (ids: string[]) => credentials.filter((credential) => ids.includes(credential.id)));
      const telegram = node('Telegram', 'sendTelegram', { chatId: 1, message: 'hi' }, { credentials: { telegram: { id: TELEGRAM_ID } } });
      const result = await validate(withNodes([email({ resend: { id: RESEND_ID.toUpperCase(), name: 'Resend' } }), telegram], { High: { main: [[to('Email'), to('Telegram')]] } }), lookup);
      expect(result).toEqual({ errors: [], warnings: [] });
      expect(lookup).toHaveBeenCalledTimes(1);
      expect(lookup.mock.calls[0][0].sort()).toEqual([RESEND_ID, TELEGRAM_ID].sort());
    });

    it('does not look anything up when no node references a credential', async () => {
      const lookup = vi.fn(async () => []);
      await validate(definition(), lookup);
      expect(lookup).not.toHaveBeenCalled();
    });

    it('requires the credentials a node type needs', async () => {
      expect(await errorsOf(reached(email(undefined)))).toEqual(['node "Email": field "credentials": a sendEmail node needs a "resend" credential']);
    });

    it('rejects credential types the node does not accept', async () => {
      const set = node('Set with credential', 'set', { values: {} }, { credentials: { resend: { id: RESEND_ID } } });
      expect(await errorsOf(reached(set))).toEqual(['node "Set with credential": field "credentials": a set node does not accept "resend" credentials (accepted: none)']);
    });

    it('rejects malformed references', async () => {
      expect(await errorsOf(reached(email({ resend: 'abc' } as unknown as WorkflowNode['credentials'])))).toEqual(['node "Email": field "credentials.resend" must be { "id": "<credential id>" }']);
      expect(await errorsOf(reached(email({ resend: { id: RESEND_ID, secret: 'x' } } as unknown as WorkflowNode['credentials'])))).toEqual(['node "Email": field "credentials.resend" allows only "id" and "name"']);
    });

    it('rejects a credential that does not exist, including ids that are not UUIDs', async () => {
      expect(await errorsOf(reached(email({ resend: { id: MISSING_ID } })))).toEqual([`node "Email": field "credentials.resend": credential "${MISSING_ID}" does not exist or belongs to another user`]);
      expect(await errorsOf(reached(email({ resend: { id: 'not-a-uuid' } })))).toEqual(['node "Email": field "credentials.resend": credential "not-a-uuid" does not exist or belongs to another user']);
    });

    it("rejects another user's credential like a missing one", async () => {
      expect(await errorsOf(reached(email({ resend: { id: FOREIGN_ID } })))).toEqual([`node "Email": field "credentials.resend": credential "${FOREIGN_ID}" does not exist or belongs to another user`]);
    });

    it('rejects a credential of another type than its key says', async () => {
      expect(await errorsOf(reached(email({ resend: { id: TELEGRAM_ID } })))).toEqual([`node "Email": field "credentials.resend": credential "${TELEGRAM_ID}" is a "telegram" credential, not "resend"`]);
    });
  });

  describe('settings', () => {
    it('accepts every known setting at its bounds', () => {
      expect(validateSettings({ timeoutMs: 1000, concurrency: 1000, saveNodeData: 'errorsOnly' })).toEqual([]);
      expect(validateSettings({ timeoutMs: 86_400_000, concurrency: 1, saveNodeData: 'all' })).toEqual([]);
      expect(validateSettings({ concurrency: { limit: 2, key: '{{ $trigger.body.customerId }}' } })).toEqual([]);
      expect(validateSettings({ concurrency: { limit: 1000, key: 'tenant-{{ $context.tenant }}' } })).toEqual([]);
      expect(validateSettings(undefined)).toEqual([]);
    });

    it.each([
      [{ timeoutMs: 999 }, 'settings: field "timeoutMs" must be an integer from 1000 to 86400000'],
      [{ timeoutMs: 86_400_001 }, 'settings: field "timeoutMs" must be an integer from 1000 to 86400000'],
      [{ concurrency: 0 }, 'settings: field "concurrency" must be an integer from 1 to 1000, or { limit, key }'],
      [{ concurrency: 1.5 }, 'settings: field "concurrency" must be an integer from 1 to 1000, or { limit, key }'],
      [{ concurrency: '2' }, 'settings: field "concurrency" must be an integer from 1 to 1000, or { limit, key }'],
      [{ concurrency: { limit: 0, key: '{{ $context.id }}' } }, 'settings: field "concurrency.limit" must be an integer from 1 to 1000'],
      [{ concurrency: { key: '{{ $context.id }}' } }, 'settings: field "concurrency.limit" must be an integer from 1 to 1000'],
      [{ concurrency: { limit: 2 } }, 'settings: field "concurrency.key" must be a non-empty string, e.g. "{{ $trigger.body.customerId }}"'],
      [{ concurrency: { limit: 2, key: '{{ $context.( }}' } }, expect.stringMatching(/^settings: field "concurrency.key": expression does not parse: /)],
      [{ concurrency: { limit: 2, key: '{{ $context.id }}', per: 'x' } }, 'settings: field "concurrency.per" is unknown (known: limit, key)'],
      [{ saveNodeData: 'some' }, 'settings: field "saveNodeData" must be one of all, errorsOnly'],
      [{ retries: 3 }, 'settings: unknown setting "retries" (known: timeoutMs, concurrency, saveNodeData, errorWorkflow)'],
      [{ errorWorkflow: 'my error flow' }, 'settings: field "errorWorkflow" must be a workflow id or "none"'],
      [{ errorWorkflow: '01900000-0000-7000-8000-0000000000e2' }, 'settings: field "errorWorkflow": workflow 01900000-0000-7000-8000-0000000000e2 does not exist or is not visible to the workflow\'s owner'],
    ])('rejects %o', async (settings, message) => {
      expect(await errorsOf(definition({ settings }))).toEqual([message]);
    });

    it.each([['01900000-0000-7000-8000-0000000000e1'], ['none']])('accepts errorWorkflow %s (a visible workflow, or none)', async (errorWorkflow) => {
      expect(await errorsOf(definition({ settings: { errorWorkflow } }))).toEqual([]);
    });

    it('rejects settings that are not an object', () => {
      expect(validateSettings([1])).toEqual(['settings: must be an object']);
    });
  });
});

describe('reachabilityWarnings', () => {
  it('lists the nodes the trigger does not reach', () => {
    const base = definition();
    expect(reachabilityWarnings(base)).toEqual([]);
    expect(reachabilityWarnings({ ...base, connections: { Webhook: { main: [[to('Check score')]] } } })).toEqual([
      'node "High" is not reachable from the trigger',
      'node "Low" is not reachable from the trigger',
    ]);
  });
});
