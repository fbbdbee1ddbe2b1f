import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { describeNodeType, type NodeTypeReference, type ParameterReference } from './node-reference.js';
import { NodeRegistry } from './node-registry.js';
import { NodesModule } from './nodes.module.js';

/**
 * docs/nodes.md, written by `npm run docs:nodes` from the node descriptions (the registry is built by
 * Nest as in the app, so every registered type is there); a test keeps the committed file current.
 */

export const NODE_DOCS_PATH = 'docs/nodes.md';

/** The registry's node types as GET /node-types answers them, without a database or server. */
export async function loadNodeReferences(): Promise<NodeTypeReference[]> {
  @Module({ imports: [ConfigModule.forRoot(loadConfig({})), NodesModule] })
  class NodeDocsModule {}
  const context = await NestFactory.createApplicationContext(NodeDocsModule, { logger: false });
  try {
    return context.get(NodeRegistry).all().map(describeNodeType);
  } finally {
    await context.close();
  }
}

/** Markdown table cells: pipes and line breaks would end the cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown): string => `\`${cell(JSON.stringify(value))}\``;

export function renderNodeDocs(types: readonly NodeTypeReference[]): string {
  const lines = [
    '# Node reference',
    '',
    '<!-- Generated from the node descriptions by `npm run docs:nodes`; do not edit by hand. -->',
    '',
    'Every node type with its parameters, outputs, credentials and an example node. The running service',
    'answers the same with `GET /node-types`, and Swagger UI (`/docs`) shows one schema per node type',
    'under the `nodes` of `POST /workflows`. Any parameter value may be a `{{ expression }}` instead',
    '([expressions.md](expressions.md)); an unknown parameter is refused with the list of known ones.',
    '',
    'Node-level fields common to every type (`retryOnFail`, `maxTries`, `waitBetweenTries`,',
    '`continueOnFail`, `timeoutMs`, `disabled`, `notes`, `position`) are described in',
    '[workflows.md](workflows.md#nodes).',
    '',
    types.map((type) => `[\`${type.type}\`](#${type.type.toLowerCase()})`).join(' · '),
    '',
  ];
  for (const type of types) {
    lines.push(`## ${type.type}`, '', `**${type.displayName}.** ${type.summary ?? ''}`.trimEnd(), '');
    if (type.parameters.length) {
      lines.push('| parameter | type | required | default | description |', '|---|---|---|---|---|');
      lines.push(...parameterRows(type.parameters, ''));
    } else {
      lines.push('No parameters.');
    }
    lines.push('');
    lines.push(`**Output:** ${type.outputs.output ?? '—'}`, '');
    lines.push(`**Outputs:** ${type.outputs.count ?? type.outputs.description ?? '—'}`, '');
    const credentials = type.credentials.types.length
      ? `${type.credentials.types.map((name) => `\`${name}\``).join(', ')}${type.credentials.required ? ' (one is required)' : ' (optional)'}`
      : 'none';
    lines.push(`**Credentials:** ${credentials}`, '');
    if (type.example) lines.push('Example node:', '', '```json', JSON.stringify(type.example, null, 2), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** One table row per parameter, nested fields after their parent as `parent[].field`. */
function parameterRows(parameters: readonly ParameterReference[], prefix: string): string[] {
  return parameters.flatMap((parameter) => {
    const path = `${prefix}${parameter.name}`;
    const allowed = parameter.allowedValues ? `One of ${parameter.allowedValues.map((value) => `\`${value}\``).join(', ')}.` : '';
    const text = [sentence(parameter.description ?? ''), allowed, boundsOf(parameter.schema)].filter(Boolean).join(' ');
    const row = `| \`${path}\` | ${cell(parameter.type)} | ${parameter.required ? 'yes' : 'no'} | ${parameter.default === undefined ? '' : code(parameter.default)} | ${cell(text)} |`;
    const separator = parameter.type.startsWith('array') ? '[].' : '.';
    return [row, ...parameterRows(parameter.fields ?? [], `${path}${separator}`)];
  });
}

const sentence = (text: string): string => (text && !/[.!?]$/.test(text) ? `${text}.` : text);

/** Numeric bounds of a parameter, read from its JSON Schema, as a sentence. */
function boundsOf(schema: Record<string, unknown>): string {
  const shapes = [schema, ...((schema.anyOf as Array<Record<string, unknown>> | undefined) ?? [])];
  const numeric = shapes.find((shape) => shape.minimum !== undefined || shape.maximum !== undefined);
  if (!numeric) return '';
  return `From ${numeric.minimum ?? '−∞'} to ${numeric.maximum ?? '∞'}.`;
}
