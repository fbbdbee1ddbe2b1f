import { compileTemplate, MAX_EXPRESSION_BYTES } from '../expressions/template.js';
import type { NodeTypeDescription } from '../nodes/node-executor.js';
import type { NodeRegistry } from '../nodes/node-registry.js';
import { stringsIn, validateParameters } from '../nodes/parameter-schema.js';
import { findCycle, parseConnections, reachableFrom } from './workflow-connections.js';
import type { WorkflowNode } from './workflow.types.js';

/** docs/workflows.md. */
export const MAX_NODES = 200;
export const TRIGGER_TYPE = 'trigger';
/** docs/workflows.md: a workflow starts at exactly one of these: a webhook's `trigger` or a timetable's `schedule`. */
export const TRIGGER_TYPES: readonly string[] = [TRIGGER_TYPE, 'schedule'];
const isTrigger = (type: string | undefined): boolean => type !== undefined && TRIGGER_TYPES.includes(type);

export interface CredentialRecord {
  id: string;
  type: string;
  ownerId: string;
}

export interface ValidatorContext {
  registry: Pick<NodeRegistry, 'describe'>;
  /** The workflow's owner: every credential it references must be theirs. */
  ownerId: string;
  /** The credentials among these ids, in one query; ids it doesn't return don't exist. */
  findCredentials(ids: string[]): Promise<CredentialRecord[]>;
  /** The workflows among these ids that the owner can see (admins: all of them; members: their own). */
  findVisibleWorkflows(ids: string[]): Promise<string[]>;
}

/** What arrives from the API: `connections` and `settings` are free-form until checked here. */
export interface DefinitionInput {
  nodes: readonly WorkflowNode[];
  connections?: unknown;
  settings?: unknown;
}

export interface ValidationResult {
  /** Each names the node (by name) or section and the field; any error rejects the definition. */
  errors: string[];
  /** Allowed but probably unintended, such as nodes no path from the trigger reaches. */
  warnings: string[];
}

const NODE_FIELDS = new Set(['id', 'name', 'type', 'parameters', 'credentials', 'retryOnFail', 'maxTries', 'waitBetweenTries', 'continueOnFail', 'timeoutMs', 'disabled', 'position', 'notes', 'forEach', 'forEachConcurrency']);
const NODE_INTEGER_FIELDS = { maxTries: [1, 10], waitBetweenTries: [0, 60_000], timeoutMs: [1, 3_600_000], forEachConcurrency: [1, 50] } as const;
/** docs/lists-and-subworkflows.md: node types that cannot run once per element (they start, join, pause or answer a run). */
const NO_FOR_EACH_TYPES = new Set(['trigger', 'schedule', 'merge', 'wait', 'respondToWebhook']);
const NODE_BOOLEAN_FIELDS = ['retryOnFail', 'continueOnFail', 'disabled'] as const;
const SETTINGS_INTEGER_FIELDS = { timeoutMs: [1000, 86_400_000] } as const;
const CONCURRENCY_LIMIT = [1, 1000] as const;
const SAVE_NODE_DATA = ['all', 'errorsOnly'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isIntegerIn = (value: unknown, [min, max]: readonly [number, number]): boolean => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** A node's credential reference, kept for the one lookup after the per-node checks. */
interface CredentialUse {
  label: string;
  type: string;
  id: string;
}

/** A node that passed its own checks, with what the graph checks need to know about it. */
interface CheckedNode {
  name: string;
  type: string;
  /** Undefined when the type or parameters are invalid: its outputs can't be known. */
  outputs?: number;
}

/**
 * Checks a workflow definition against every rule of docs/workflows.md. Pure apart from the one credential
 * lookup the context provides, so it runs the same from the API, an import or a test.
 */
export async function validateWorkflow(definition: DefinitionInput, context: ValidatorContext): Promise<ValidationResult> {
  const errors: string[] = [];
  const warnings: string[] = [];
  errors.push(...validateSettings(definition.settings));
  const nodes: unknown = definition.nodes;
  if (!Array.isArray(nodes)) return { errors: [...errors, 'nodes: must be an array'], warnings };
  // Checked first and alone: there is no point validating 10,000 nodes one by one.
  if (nodes.length > MAX_NODES) return { errors: [...errors, `nodes: a workflow has at most ${MAX_NODES} nodes, got ${nodes.length}`], warnings };

  const checked: CheckedNode[] = [];
  const credentialUses: CredentialUse[] = [];
  nodes.forEach((node: unknown, index: number) => {
    const result = checkNode(node, index, context.registry);
    errors.push(...result.errors);
    credentialUses.push(...result.credentials);
    if (result.node) checked.push(result.node);
  });
  errors.push(...uniquenessErrors(nodes as WorkflowNode[]));

  const triggers = checked.filter((node) => isTrigger(node.type));
  if (triggers.length !== 1) {
    const found = triggers.length === 0 ? 'found none' : `found ${triggers.length} (${triggers.map((node) => `"${node.name}"`).join(', ')})`;
    errors.push(`nodes: a workflow needs exactly one ${TRIGGER_TYPES.map((type) => `"${type}"`).join(' or ')} node, ${found}`);
  }

  const byName = new Map(checked.map((node) => [node.name, node]));
  const { edges, errors: connectionErrors } = parseConnections(definition.connections, new Set(byName.keys()), (name) => byName.get(name)?.outputs);
  errors.push(...connectionErrors);
  for (const edge of edges) {
    if (isTrigger(byName.get(edge.to)?.type)) errors.push(`connections."${edge.from}": node "${edge.to}" is a trigger and takes no input`);
  }
  const cycle = findCycle([...byName.keys()], edges);
  if (cycle) errors.push(`connections: nodes ${cycle.map((name) => `"${name}"`).join(' → ')} form a cycle`);

  if (triggers.length === 1) {
    const reached = reachableFrom(triggers[0].name, edges);
    for (const node of checked) if (!reached.has(node.name)) warnings.push(`node "${node.name}" is not reachable from the trigger`);
  }

  errors.push(...(await credentialErrors(credentialUses, context)));
  errors.push(...(await workflowReferenceErrors(definition.settings, context)));
  errors.push(...(await executeWorkflowReferenceErrors(nodes as WorkflowNode[], context)));
  return { errors, warnings };
}

/**
 * An executeWorkflow node's literal `workflowId` must name a workflow the owner can see (docs/workflows.md), in
 * one lookup for all of them; an expression is checked when the node runs.
 */
async function executeWorkflowReferenceErrors(nodes: readonly WorkflowNode[], context: Pick<ValidatorContext, 'findVisibleWorkflows'>): Promise<string[]> {
  const references = nodes.filter((node) => isRecord(node) && node.type === 'executeWorkflow' && isRecord(node.parameters)).map((node) => ({ name: node.name, id: node.parameters.workflowId }));
  const literal = references.filter((reference): reference is { name: string; id: string } => typeof reference.id === 'string' && UUID.test(reference.id));
  if (!literal.length) return [];
  const visible = new Set(await context.findVisibleWorkflows([...new Set(literal.map((reference) => reference.id.toLowerCase()))]));
  return literal
    .filter((reference) => !visible.has(reference.id.toLowerCase()))
    .map((reference) => `node "${reference.name}": parameter "workflowId": workflow ${reference.id} does not exist or is not visible to the workflow's owner`);
}

/**
 * `settings.errorWorkflow` must name a workflow the owner can see: a member cannot have another
 * member's workflow run with its failures (and learn their details through it).
 */
export async function workflowReferenceErrors(settings: unknown, context: Pick<ValidatorContext, 'findVisibleWorkflows'>): Promise<string[]> {
  const reference = isRecord(settings) ? settings.errorWorkflow : undefined;
  if (typeof reference !== 'string' || !UUID.test(reference)) return [];
  const visible = await context.findVisibleWorkflows([reference.toLowerCase()]);
  return visible.length ? [] : [`settings: field "errorWorkflow": workflow ${reference} does not exist or is not visible to the workflow's owner`];
}

/** `settings` of docs/workflows.md; unknown keys are rejected so a typo never silently does nothing. */
export function validateSettings(settings: unknown): string[] {
  if (settings === undefined) return [];
  if (!isRecord(settings)) return ['settings: must be an object'];
  const errors: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (key in SETTINGS_INTEGER_FIELDS) {
      const range = SETTINGS_INTEGER_FIELDS[key as keyof typeof SETTINGS_INTEGER_FIELDS];
      if (!isIntegerIn(value, range)) errors.push(`settings: field "${key}" must be an integer from ${range[0]} to ${range[1]}`);
    } else if (key === 'concurrency') {
      errors.push(...concurrencyErrors(value));
    } else if (key === 'saveNodeData') {
      if (!SAVE_NODE_DATA.includes(value as string)) errors.push(`settings: field "saveNodeData" must be one of ${SAVE_NODE_DATA.join(', ')}`);
    } else if (key === 'errorWorkflow') {
      if (value !== 'none' && !(typeof value === 'string' && UUID.test(value))) errors.push('settings: field "errorWorkflow" must be a workflow id or "none"');
    } else {
      errors.push(`settings: unknown setting "${key}" (known: timeoutMs, concurrency, saveNodeData, errorWorkflow)`);
    }
  }
  return errors;
}

/** `settings.concurrency` (docs/concurrency.md): a number, or `{ limit, key }` whose key is a template that parses. */
function concurrencyErrors(value: unknown): string[] {
  if (typeof value === 'number' || !isRecord(value)) {
    return isIntegerIn(value, CONCURRENCY_LIMIT) ? [] : [`settings: field "concurrency" must be an integer from ${CONCURRENCY_LIMIT[0]} to ${CONCURRENCY_LIMIT[1]}, or { limit, key }`];
  }
  const errors: string[] = [];
  for (const field of Object.keys(value)) if (field !== 'limit' && field !== 'key') errors.push(`settings: field "concurrency.${field}" is unknown (known: limit, key)`);
  if (!isIntegerIn(value.limit, CONCURRENCY_LIMIT)) errors.push(`settings: field "concurrency.limit" must be an integer from ${CONCURRENCY_LIMIT[0]} to ${CONCURRENCY_LIMIT[1]}`);
  const key = value.key;
  if (typeof key !== 'string' || key.trim() === '') errors.push('settings: field "concurrency.key" must be a non-empty string, e.g. "{{ $trigger.body.customerId }}"');
  else if (Buffer.byteLength(key) > MAX_EXPRESSION_BYTES) errors.push(`settings: field "concurrency.key" is longer than ${MAX_EXPRESSION_BYTES} bytes`);
  else {
    try {
      compileTemplate(key);
    } catch (error) {
      errors.push(`settings: field "concurrency.key": expression does not parse: ${(error as Error).message}`);
    }
  }
  return errors;
}

/** Warnings for a definition already known to be valid (e.g. after a PATCH of name or settings). */
export function reachabilityWarnings(definition: DefinitionInput): string[] {
  const trigger = definition.nodes.find((node) => isTrigger(node.type));
  if (!trigger) return [];
  const names = new Set(definition.nodes.map((node) => node.name));
  const { edges } = parseConnections(definition.connections, names, () => undefined);
  const reached = reachableFrom(trigger.name, edges);
  return definition.nodes.filter((node) => !reached.has(node.name)).map((node) => `node "${node.name}" is not reachable from the trigger`);
}

function checkNode(raw: unknown, index: number, registry: ValidatorContext['registry']): { errors: string[]; credentials: CredentialUse[]; node?: CheckedNode } {
  if (!isRecord(raw)) return { errors: [`nodes[${index}]: must be an object`], credentials: [] };
  const node = raw as unknown as WorkflowNode;
  if (typeof node.name !== 'string' || node.name.trim() === '') return { errors: [`nodes[${index}]: field "name" must be a non-empty string`], credentials: [] };
  const label = `node "${node.name}"`;
  const errors = fieldErrors(node, label);
  const description = typeof node.type === 'string' ? registry.describe(node.type) : undefined;
  if (typeof node.type !== 'string' || !description) {
    errors.push(`${label}: field "type": unknown node type ${JSON.stringify(node.type)}`);
    return { errors, credentials: [], node: { name: node.name, type: String(node.type) } };
  }
  const parameterErrors = parameterProblems(node, description);
  errors.push(...parameterErrors.map((message) => `${label}: ${message}`));
  const { errors: credentialProblems, uses } = credentialReferences(node, description, label);
  errors.push(...credentialProblems);
  const outputs = parameterErrors.length ? undefined : description.outputs(node.parameters ?? {});
  return { errors, credentials: uses, node: { name: node.name, type: node.type, outputs } };
}

/** The node-level fields of docs/workflows.md other than parameters and credentials. */
function fieldErrors(node: WorkflowNode, label: string): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(node)) if (!NODE_FIELDS.has(key)) errors.push(`${label}: unknown field "${key}"`);
  if (typeof node.id !== 'string' || node.id === '') errors.push(`${label}: field "id" must be a non-empty string`);
  for (const [key, range] of Object.entries(NODE_INTEGER_FIELDS)) {
    const value = node[key as keyof typeof NODE_INTEGER_FIELDS];
    if (value !== undefined && !isIntegerIn(value, range)) errors.push(`${label}: field "${key}" must be an integer from ${range[0]} to ${range[1]}`);
  }
  for (const key of NODE_BOOLEAN_FIELDS) {
    if (node[key] !== undefined && typeof node[key] !== 'boolean') errors.push(`${label}: field "${key}" must be a boolean`);
  }
  if (node.notes !== undefined && typeof node.notes !== 'string') errors.push(`${label}: field "notes" must be a string`);
  if (node.forEach !== undefined) errors.push(...forEachErrors(node, label));
  return errors;
}

/** `forEach` (docs/lists-and-subworkflows.md): an expression that parses, on a node type that can run per element. */
function forEachErrors(node: WorkflowNode, label: string): string[] {
  if (NO_FOR_EACH_TYPES.has(node.type)) return [`${label}: field "forEach": a ${node.type} node cannot run once per element`];
  const source: unknown = node.forEach;
  if (typeof source !== 'string' || !source.includes('{{')) return [`${label}: field "forEach" must be an expression yielding an array, such as "{{ $json.items }}"`];
  try {
    compileTemplate(source);
    return [];
  } catch (error) {
    return [`${label}: field "forEach": invalid expression: ${(error as Error).message}`];
  }
}

/** Schema, the type's own cross-field rules, then every `{{ }}` expression must compile. */
function parameterProblems(node: WorkflowNode, description: NodeTypeDescription): string[] {
  const parameters = node.parameters ?? {};
  if (!isRecord(parameters)) return ['field "parameters" must be an object'];
  const errors = validateParameters(description.parameters, parameters, '');
  // A type's own rules assume a schema-valid shape.
  if (!errors.length) errors.push(...(description.validate?.({ ...node, parameters }) ?? []));
  for (const [path, value] of stringsIn(parameters)) {
    if (!value.includes('{{')) continue;
    try {
      compileTemplate(value);
    } catch (error) {
      errors.push(`parameter "${path}": invalid expression: ${(error as Error).message}`);
    }
  }
  return errors;
}

/** Shape and types of `node.credentials` (`{ <credential type>: { id } }`); existence is checked later in one query. */
function credentialReferences(node: WorkflowNode, description: NodeTypeDescription, label: string): { errors: string[]; uses: CredentialUse[] } {
  const accepted = description.credentials.types;
  const references: unknown = node.credentials ?? {};
  if (!isRecord(references)) return { errors: [`${label}: field "credentials" must be an object keyed by credential type`], uses: [] };
  const errors: string[] = [];
  const uses: CredentialUse[] = [];
  for (const [type, reference] of Object.entries(references)) {
    if (!accepted.includes(type)) {
      errors.push(`${label}: field "credentials": a ${description.type} node does not accept "${type}" credentials (accepted: ${accepted.join(', ') || 'none'})`);
    } else if (!isRecord(reference) || typeof reference.id !== 'string' || reference.id === '') {
      errors.push(`${label}: field "credentials.${type}" must be { "id": "<credential id>" }`);
    } else if (Object.keys(reference).some((key) => key !== 'id' && key !== 'name')) {
      errors.push(`${label}: field "credentials.${type}" allows only "id" and "name"`);
    } else {
      uses.push({ label, type, id: reference.id });
    }
  }
  if (description.credentials.required && !accepted.some((type) => type in references)) {
    errors.push(`${label}: field "credentials": a ${description.type} node needs a ${accepted.map((type) => `"${type}"`).join(' or ')} credential`);
  }
  return { errors, uses };
}

function uniquenessErrors(nodes: readonly WorkflowNode[]): string[] {
  const errors: string[] = [];
  const names = new Map<string, number>();
  const ids = new Map<string, string>();
  for (const node of nodes) {
    if (!isRecord(node) || typeof node.name !== 'string') continue;
    names.set(node.name, (names.get(node.name) ?? 0) + 1);
    if (typeof node.id !== 'string') continue;
    const holder = ids.get(node.id);
    if (holder !== undefined) errors.push(`node "${node.name}": field "id" ("${node.id}") is already used by node "${holder}"`);
    else ids.set(node.id, node.name);
  }
  for (const [name, count] of names) if (count > 1) errors.push(`node "${name}": field "name" must be unique, but ${count} nodes are named "${name}"`);
  return errors;
}

/**
 * A credential of another user gets the same answer as a missing one, so that a member cannot
 * probe for others' credential ids (docs/security.md).
 */
async function credentialErrors(uses: readonly CredentialUse[], context: ValidatorContext): Promise<string[]> {
  if (!uses.length) return [];
  // Postgres answers ids in lower case; a reference may spell them either way.
  const ids = [...new Set(uses.map((use) => use.id.toLowerCase()).filter((id) => UUID.test(id)))];
  const found = new Map((ids.length ? await context.findCredentials(ids) : []).map((credential) => [credential.id, credential]));
  const errors: string[] = [];
  for (const use of uses) {
    const credential = found.get(use.id.toLowerCase());
    if (!credential || credential.ownerId !== context.ownerId) {
      errors.push(`${use.label}: field "credentials.${use.type}": credential "${use.id}" does not exist or belongs to another user`);
    } else if (credential.type !== use.type) {
      errors.push(`${use.label}: field "credentials.${use.type}": credential "${use.id}" is a "${credential.type}" credential, not "${use.type}"`);
    }
  }
  return errors;
}
