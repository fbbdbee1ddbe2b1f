import { oneOutput, type NodeTypeDescription } from './node-executor.js';
import { schemaPatternErrors } from './schema-patterns.js';

export const triggerDescription: NodeTypeDescription = {
  type: 'trigger',
  displayName: 'Webhook trigger',
  parameters: {
    type: 'object',
    properties: {
      requiredFields: { type: 'array', items: { type: 'string', required: true }, description: 'Body fields that must be present' },
      schema: { type: 'object', additional: 'any', description: 'JSON Schema the body must satisfy; its patterns use RE2 syntax (linear time: no lookaround, no backreferences)' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
  validate(node) {
    return schemaPatternErrors(node.parameters.schema);
  },
};
