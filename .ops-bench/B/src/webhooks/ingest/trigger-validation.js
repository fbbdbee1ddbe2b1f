import { Validator } from '@cfworker/json-schema';
import { AppError } from '../../common/app-error.js';
const validators = new WeakMap();
/**
 * The trigger node's `requiredFields` and JSON-Schema `schema` (SPEC §6): a request that fails gets
 * 400 naming what is wrong, and no execution. The schema validator interprets (no code generation).
 */
export function validateTriggerBody(parameters, body) {
    const required = Array.isArray(parameters.requiredFields) ? parameters.requiredFields : [];
    if (required.length) {
        const record = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
        const missing = required.filter((field) => record[field] === undefined || record[field] === null);
        if (missing.length)
            throw new AppError('invalid', `Missing required field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
    }
    const schema = parameters.schema;
    if (schema && typeof schema === 'object') {
        let validator = validators.get(schema);
        if (!validator) {
            validator = new Validator(schema, '2020-12', false);
            validators.set(schema, validator);
        }
        const result = validator.validate(body);
        if (!result.valid) {
            const messages = result.errors
                .filter((error) => error.keyword !== 'properties' && error.keyword !== 'items' && error.keyword !== 'allOf')
                .slice(0, 10)
                .map((error) => `${error.instanceLocation.replace(/^#/, 'body') || 'body'}: ${error.error}`);
            throw new AppError('invalid', messages.length ? messages : ['body does not match the trigger schema']);
        }
    }
}
//# sourceMappingURL=trigger-validation.js.map