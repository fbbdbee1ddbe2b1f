import type { NodeTypeDescription } from './node-executor.js';
import type { ParamSchema } from './parameter-schema.js';

/**
 * A node type as GET /node-types, the OpenAPI node schemas and docs/nodes.md show it, derived from
 * its description alone: one source of truth, so a new type documents itself by being registered.
 */
export interface NodeTypeReference {
  type: string;
  displayName: string;
  summary: string | null;
  parameters: ParameterReference[];
  /** JSON Schema of the whole `parameters` object (expressions allowed where the schema says). */
  parametersSchema: JsonSchema;
  outputs: { count: number | null; description: string | null; output: string | null };
  credentials: { types: string[]; required: boolean };
  /** A node that passes validation as it is, once credential placeholders are replaced. */
  example: Record<string, unknown> | null;
}

export interface ParameterReference {
  name: string;
  /** `string`, `integer`, `array of string`, `string | number`… */
  type: string;
  required: boolean;
  default?: unknown;
  allowedValues?: readonly string[];
  description: string | null;
  /** Bounds and nested shape, as JSON Schema. */
  schema: JsonSchema;
  /** The fields of an object, or of each object of an array (`conditions[].rules`). */
  fields?: ParameterReference[];
}

export type JsonSchema = Record<string, unknown>;

/** Any value may be a `{{ expression }}` string instead (docs/workflows.md): this is its schema. */
export const EXPRESSION_SCHEMA: JsonSchema = { type: 'string', pattern: '\\{\\{', description: 'A `{{ expression }}` evaluated at run time' };

/** OpenAPI 3.0 JSON Schema of a parameter schema. `expression` is how the expression alternative is written (inline or a $ref). */
export function toJsonSchema(schema: ParamSchema, expression: JsonSchema = EXPRESSION_SCHEMA): JsonSchema {
  const doc: JsonSchema = {};
  if (schema.description) doc.description = schema.description;
  if (schema.default !== undefined) doc.default = schema.default;
  // A plain string already admits an expression; other values admit one as an alternative.
  const orExpression = (shape: JsonSchema): JsonSchema => ({ ...doc, anyOf: [shape, expression] });
  switch (schema.type) {
    case 'any':
      return { ...doc };
    case 'string': {
      const shape: JsonSchema = { type: 'string', ...(schema.maxLength !== undefined ? { maxLength: schema.maxLength } : {}) };
      return schema.enum ? orExpression({ ...shape, enum: [...schema.enum] }) : { ...doc, ...shape };
    }
    case 'number':
      return orExpression({
        type: schema.integer ? 'integer' : 'number',
        ...(schema.min !== undefined ? { minimum: schema.min } : {}),
        ...(schema.max !== undefined ? { maximum: schema.max } : {}),
      });
    case 'boolean':
      return orExpression({ type: 'boolean' });
    case 'array':
      return orExpression({
        type: 'array',
        ...(schema.items ? { items: toJsonSchema(schema.items, expression) } : {}),
        ...(schema.minItems !== undefined ? { minItems: schema.minItems } : {}),
        ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
      });
    case 'object':
      return orExpression(objectSchema(schema, expression));
    case 'oneOf':
      return { ...doc, anyOf: [...schema.options.map((option) => toJsonSchema(option, expression)), expression] };
  }
}

/** The object itself (no expression alternative): what `parameters` is. */
export function objectSchema(schema: Extract<ParamSchema, { type: 'object' }>, expression: JsonSchema = EXPRESSION_SCHEMA): JsonSchema {
  const properties = Object.entries(schema.properties ?? {});
  const required = properties.filter(([, child]) => child.required).map(([name]) => name);
  return {
    type: 'object',
    ...(properties.length ? { properties: Object.fromEntries(properties.map(([name, child]) => [name, toJsonSchema(child, expression)])) } : {}),
    ...(required.length ? { required } : {}),
    additionalProperties: schema.additional === 'any' ? true : schema.additional ? toJsonSchema(schema.additional, expression) : false,
  };
}

/** A short human name for a schema's type. */
export function typeLabel(schema: ParamSchema): string {
  switch (schema.type) {
    case 'number':
      return schema.integer ? 'integer' : 'number';
    case 'array':
      return schema.items ? `array of ${typeLabel(schema.items)}` : 'array';
    case 'oneOf':
      return schema.options.map(typeLabel).join(' | ');
    default:
      return schema.type;
  }
}

export function describeNodeType(description: NodeTypeDescription): NodeTypeReference {
  const docs = description.docs;
  const parameters = parameterReferences(description.parameters);
  return {
    type: description.type,
    displayName: description.displayName,
    summary: docs?.summary ?? null,
    parameters,
    parametersSchema: objectSchema(description.parameters),
    outputs: {
      // A type that explains its outputs has a number that depends on its parameters.
      count: docs?.outputs ? null : description.outputs({}),
      description: docs?.outputs ?? null,
      output: docs?.output ?? null,
    },
    credentials: { types: [...description.credentials.types], required: description.credentials.required },
    example: docs ? exampleNode(description) : null,
  };
}

function parameterReferences(schema: Extract<ParamSchema, { type: 'object' }>): ParameterReference[] {
  return Object.entries(schema.properties ?? {}).map(([name, child]): ParameterReference => {
    const nested = child.type === 'array' && child.items?.type === 'object' ? child.items : child.type === 'object' && child.properties ? child : undefined;
    return {
      name,
      type: typeLabel(child),
      required: child.required === true,
      ...(child.default !== undefined ? { default: child.default } : {}),
      ...(child.type === 'string' && child.enum ? { allowedValues: child.enum } : {}),
      description: child.description ?? null,
      schema: toJsonSchema(child),
      ...(nested?.type === 'object' && nested.properties ? { fields: parameterReferences(nested) } : {}),
    };
  });
}

/** The documented example as a whole node: `{ id, name, type, parameters, credentials? }`. */
export function exampleNode(description: NodeTypeDescription): Record<string, unknown> | null {
  const example = description.docs?.example;
  if (!example) return null;
  return {
    id: `${description.type}-1`,
    name: example.name,
    type: description.type,
    parameters: example.parameters,
    ...(example.credentials ? { credentials: example.credentials } : {}),
  };
}
