/**
 * The admin API calls the bench needs: one workflow of pure nodes (trigger → condition → set, the
 * shape of docs/workflows.md and test/support/factories.ts) and a webhook per response mode.
 */
export const PAYLOAD = JSON.stringify({ email: 'bench@example.com', name: 'Bench', score: 95 });

export function pureWorkflow() {
  return {
    name: 'bench: trigger → condition → set',
    active: true,
    nodes: [
      { id: 'n1', name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['email', 'score'] } },
      {
        id: 'n2',
        name: 'Check score',
        type: 'condition',
        parameters: { conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 },
      },
      { id: 'n3', name: 'Shape', type: 'set', parameters: { values: { to: '{{ $trigger.body.email }}', subject: 'Hello {{ $context.name }}, your score is {{ $context.score }}', tier: 'gold' } } },
    ],
    connections: {
      Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] },
      'Check score': { main: [[{ node: 'Shape', type: 'main', index: 0 }]] },
    },
  };
}

/** One admin API call; throws with the answer on anything but 2xx. */
export async function call(baseUrl, apiKey, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Creates the workflow and its two webhooks; returns their public paths. */
export async function setUpWorkflow(baseUrl, apiKey) {
  const workflow = await call(baseUrl, apiKey, 'POST', '/workflows', pureWorkflow());
  const onReceived = await call(baseUrl, apiKey, 'POST', '/webhooks', { workflowId: workflow.id, method: 'POST', responseMode: 'onReceived' });
  const lastNode = await call(baseUrl, apiKey, 'POST', '/webhooks', { workflowId: workflow.id, method: 'POST', responseMode: 'lastNode' });
  // One real request through each before measuring: fails loudly if the setup is wrong.
  for (const hook of [onReceived, lastNode]) {
    const response = await fetch(`${baseUrl}/webhook/handler/${hook.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PAYLOAD });
    if (response.status !== (hook === lastNode ? 200 : 202)) throw new Error(`webhook ${hook.id} (${hook.responseMode}) answered ${response.status}: ${await response.text()}`);
  }
  return { workflowId: workflow.id, onReceivedPath: `/webhook/handler/${onReceived.id}`, lastNodePath: `/webhook/handler/${lastNode.id}` };
}
