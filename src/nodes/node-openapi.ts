import type { OpenAPIObject } from '@nestjs/swagger';
import type { NodeTypeDescription } from './node-executor.js';
import { exampleNode, objectSchema } from './node-reference.js';

/** The schema Nest generates from WorkflowNodeDto: every field but a free-form `parameters`. */
const BASE_NODE = 'WorkflowNodeDto';
const EXPRESSION = 'Expression';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `httpRequest` → `HttpRequestNode`: one component per node type. */
export const nodeSchemaName = (type: string): string => `${type.charAt(0).toUpperCase()}${type.slice(1)}Node`;

/**
 * Replaces the free-form node of the OpenAPI document with one schema per registered node type,
 * generated from its description and discriminated by `type`, wherever a list of nodes appears
 * (workflow create, replace and answers). Swagger UI then shows each type's parameters.
 */
export function addNodeSchemas(document: OpenAPIObject, descriptions: readonly NodeTypeDescription[]): void {
  const schemas = (document.components ??= {}).schemas ??= {};
  const base = schemas[BASE_NODE] as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  if (!base?.properties) throw new Error(`OpenAPI document has no ${BASE_NODE} schema to specialise`);
  schemas[EXPRESSION] = { type: 'string', pattern: '\\{\\{', description: 'A `{{ expression }}` evaluated at run time; accepted wherever a value is' };
  const mapping: Record<string, string> = {};
  for (const description of descriptions) {
    const name = nodeSchemaName(description.type);
    if (schemas[name]) throw new Error(`OpenAPI schema ${name} (node type ${description.type}) clashes with another schema`);
    const credentialTypes = description.credentials.types;
    schemas[name] = {
      type: 'object',
      title: description.displayName,
      description: description.docs?.summary ?? description.displayName,
      required: [...new Set([...(base.required ?? []), 'type', ...(description.parameters.properties && Object.values(description.parameters.properties).some((p) => p.required) ? ['parameters'] : [])])],
      properties: {
        ...base.properties,
        type: { type: 'string', enum: [description.type], description: 'The node type' },
        parameters: { ...objectSchema(description.parameters, ref(EXPRESSION)), description: `Parameters of ${description.type}; see GET /node-types` },
        credentials: credentialTypes.length
          ? {
              type: 'object',
              description: `\`{ <credential type>: { id } }\`; accepted: ${credentialTypes.join(', ')}${description.credentials.required ? ' (one is required)' : ''}`,
              properties: Object.fromEntries(credentialTypes.map((type) => [type, { type: 'object', required: ['id'], properties: { id: { type: 'string' }, name: { type: 'string' } } }])),
              additionalProperties: false,
            }
          : { type: 'object', description: `A ${description.type} node takes no credentials`, additionalProperties: false, maxProperties: 0 },
      },
      ...(description.docs ? { example: exampleNode(description) } : {}),
    };
    mapping[description.type] = ref(name).$ref;
  }
  const node = { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'type', mapping } };
  for (const schema of Object.values(schemas)) replaceNodeLists(schema, node);
}

/** Every `items: { $ref: WorkflowNodeDto }` among a schema's properties becomes the union. */
function replaceNodeLists(schema: unknown, node: Record<string, unknown>): void {
  const properties = (schema as { properties?: Record<string, { items?: { $ref?: string } }> }).properties;
  for (const property of Object.values(properties ?? {})) {
    if (property.items?.$ref === ref(BASE_NODE).$ref) property.items = node;
  }
}
