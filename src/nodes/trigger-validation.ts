import { Validator, type Schema } from '@cfworker/json-schema';
import { AppError } from '../common/app-error.js';
import { schemaPatterns, withLinearRegExp } from './schema-patterns.js';

/** A schema's validator, and whether it runs regular expressions (then on RE2, withLinearRegExp). */
const validators = new WeakMap<object, { validator: Validator; hasPatterns: boolean }>();

/**
 * The trigger node's `requiredFields` and JSON-Schema `schema` (docs/nodes.md): a request that fails gets
 * 400 naming what is wrong, and no execution. The schema validator interprets (no code generation);
 * its `pattern`s run on RE2, in linear time, whatever the body (docs/security.md).
 */
export function validateTriggerBody(parameters: Record<string, unknown>, body: unknown): void {
  const required = Array.isArray(parameters.requiredFields) ? (parameters.requiredFields as string[]) : [];
  if (required.length) {
    const record = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const missing = required.filter((field) => record[field] === undefined || record[field] === null);
    if (missing.length) throw new AppError('invalid', `Missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  }
  const schema = parameters.schema;
  if (schema && typeof schema === 'object') {
    let compiled = validators.get(schema);
    if (!compiled) {
      compiled = { validator: new Validator(schema as Schema, '2020-12', false), hasPatterns: schemaPatterns(schema).length > 0 };
      validators.set(schema, compiled);
    }
    const { validator, hasPatterns } = compiled;
    const result = hasPatterns ? withLinearRegExp(() => validateOrExplain(validator, body)) : validator.validate(body);
    if (!result.valid) {
      const messages = result.errors
        .filter((error) => error.keyword !== 'properties' && error.keyword !== 'items' && error.keyword !== 'allOf')
        .slice(0, 10)
        .map((error) => `${error.instanceLocation.replace(/^#/, 'body') || 'body'}: ${error.error}`);
      throw new AppError('invalid', messages.length ? messages : ['body does not match the trigger schema']);
    }
  }
}

/** A schema saved before patterns were checked may hold one RE2 cannot run: a clear 400, not a 500. */
function validateOrExplain(validator: Validator, body: unknown): ReturnType<Validator['validate']> {
  try {
    return validator.validate(body);
  } catch (error) {
    throw new AppError('invalid', `The trigger schema holds a pattern that cannot run: ${(error as Error).message}`);
  }
}
