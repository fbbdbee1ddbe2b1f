/**
 * The request examples Swagger UI offers for POST and PUT /workflows: docs/workflows.md's score router with
 * set nodes in place of e-mail and Telegram, so that it passes validation as it is, needs no
 * credential, and runs (test/openapi-examples.e2e.spec.ts sends it).
 */
export const SCORE_ROUTER_EXAMPLE = {
  name: 'Score router',
  description: 'High scores get a congratulation, the others a note',
  active: true,
  nodes: [
    { id: 'a1', name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['email', 'score'] } },
    {
      id: 'a2',
      name: 'Check score',
      type: 'condition',
      parameters: {
        conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }],
        defaultOutput: 1,
      },
    },
    { id: 'a3', name: 'High', type: 'set', parameters: { values: { msg: 'Well done {{ $context.email }}' } } },
    { id: 'a4', name: 'Low', type: 'set', parameters: { values: { msg: 'Score {{ $context.score }}' } } },
  ],
  connections: {
    Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] },
    'Check score': { main: [[{ node: 'High', type: 'main', index: 0 }], [{ node: 'Low', type: 'main', index: 0 }]] },
  },
  settings: { timeoutMs: 300000 },
};
