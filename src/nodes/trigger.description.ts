import { oneOutput, type NodeTypeDescription } from './node-executor.js';
import { schemaPatternErrors } from './schema-patterns.js';

export const triggerDescription: NodeTypeDescription = {
  type: 'trigger',
  displayName: 'Webhook trigger',
  parameters: {
    type: 'object',
    properties: {
      requiredFields: { type: 'array', items: { type: 'string', required: true }, description: 'Body fields that must be present; a request without one gets 400 and no execution' },
      schema: { type: 'object', additional: 'any', description: 'JSON Schema the body must satisfy (a request that fails it gets 400 and no execution); its patterns use RE2 syntax (linear time: no lookaround, no backreferences)' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
  validate(node) {
    return schemaPatternErrors(node.parameters.schema);
  },
  docs: {
    summary: "Starts the workflow with the webhook's request (exactly one trigger node per workflow); it validates the request before any execution is created.",
    output: '`{ body, headers, query, method, receivedAt }`; secret headers (authorization, cookie, signature headers) are redacted',
    example: { name: 'Webhook', parameters: { requiredFields: ['email', 'score'] } },
  },
};
