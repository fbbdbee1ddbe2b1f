/**
 * A small schema language for node parameters. Hand-rolled rather than JSON Schema because every
 * field must also accept an expression (`{{ … }}`) in place of its value (docs/workflows.md), and messages
 * must name the parameter path.
 */
export type ParamSchema = ParamDoc &
  (
    | { type: 'string'; enum?: readonly string[]; maxLength?: number }
    | { type: 'number'; min?: number; max?: number; integer?: boolean }
    | { type: 'boolean' }
    | { type: 'array'; items?: ParamSchema; minItems?: number; maxItems?: number }
    | { type: 'object'; properties?: Record<string, ParamSchema>; additional?: ParamSchema | 'any' }
    | { type: 'any' }
    | { type: 'oneOf'; options: readonly ParamSchema[] }
  );

/**
 * What every schema may say besides its shape. `description` and `default` only document (GET
 * /node-types, Swagger, docs/nodes.md): the executor applies its own default when a value is absent.
 */
export interface ParamDoc {
  required?: boolean;
  description?: string;
  default?: unknown;
}

export type ObjectSchema = Extract<ParamSchema, { type: 'object' }>;

export const isExpression = (value: unknown): value is string => typeof value === 'string' && value.includes('{{');

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Returns one message per problem, each naming the parameter path; empty when valid. */
export function validateParameters(schema: ParamSchema, value: unknown, path: string): string[] {
  if (value === undefined) return schema.required ? [`parameter "${path}" is required`] : [];
  if (isExpression(value)) return [];
  switch (schema.type) {
    case 'any':
      return [];
    case 'string':
      if (typeof value !== 'string') return [`parameter "${path}" must be a string, got ${typeName(value)}`];
      if (schema.enum && !schema.enum.includes(value)) return [`parameter "${path}" must be one of ${schema.enum.join(', ')}, got "${value}"`];
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return [`parameter "${path}" is longer than ${schema.maxLength} characters`];
      if (schema.required && value === '') return [`parameter "${path}" must not be empty`];
      return [];
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return [`parameter "${path}" must be a number, got ${typeName(value)}`];
      if (schema.integer && !Number.isInteger(value)) return [`parameter "${path}" must be an integer`];
      if (schema.min !== undefined && value < schema.min) return [`parameter "${path}" must be at least ${schema.min}`];
      if (schema.max !== undefined && value > schema.max) return [`parameter "${path}" must be at most ${schema.max}`];
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`parameter "${path}" must be a boolean, got ${typeName(value)}`];
    case 'array': {
      if (!Array.isArray(value)) return [`parameter "${path}" must be an array, got ${typeName(value)}`];
      if (schema.minItems !== undefined && value.length < schema.minItems) return [`parameter "${path}" needs at least ${schema.minItems} item(s)`];
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return [`parameter "${path}" allows at most ${schema.maxItems} items`];
      const items = schema.items;
      return items ? value.flatMap((item, index) => validateParameters(items, item, `${path}[${index}]`)) : [];
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`parameter "${path}" must be an object, got ${typeName(value)}`];
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      const errors = Object.entries(properties).flatMap(([key, child]) => validateParameters(child, record[key], join(path, key)));
      for (const key of Object.keys(record)) {
        if (key in properties) continue;
        if (schema.additional === 'any') continue;
        if (schema.additional) errors.push(...validateParameters(schema.additional, record[key], join(path, key)));
        else errors.push(`parameter "${join(path, key)}" is not a known parameter (known: ${Object.keys(properties).join(', ') || 'none'})`);
      }
      return errors;
    }
    case 'oneOf': {
      const attempts = schema.options.map((option) => validateParameters(option, value, path));
      return attempts.some((errors) => errors.length === 0) ? [] : attempts[0];
    }
  }
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** Every string in a parameter tree, with its path: what the expression compiler checks. */
export function* stringsIn(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) yield* stringsIn(child, join(path, key));
}
