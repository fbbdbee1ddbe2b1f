/**
 * The admin API calls the bench needs: the workflow of pure nodes (trigger → condition → set, the
 * shape of docs/workflows.md and test/support/factories.ts), the effect workflow (trigger → HTTP
 * Request to the bench's JSON server → set) and a webhook per response mode for each.
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

/** One outside call per execution: a small JSON POST to `targetUrl` (bench/json-server.mjs), then a set node. */
export function effectWorkflow(targetUrl) {
  return {
    name: 'bench: trigger → httpRequest → set',
    active: true,
    nodes: [
      { id: 'n1', name: 'Webhook', type: 'trigger', parameters: { requiredFields: ['email', 'score'] } },
      { id: 'n2', name: 'Notify', type: 'httpRequest', parameters: { method: 'POST', url: targetUrl, body: { email: '{{ $trigger.body.email }}', score: '{{ $trigger.body.score }}' } } },
      { id: 'n3', name: 'Shape', type: 'set', parameters: { values: { to: '{{ $trigger.body.email }}', accepted: '{{ $json.data.ok }}' } } },
    ],
    connections: {
      Webhook: { main: [[{ node: 'Notify', type: 'main', index: 0 }]] },
      Notify: { main: [[{ node: 'Shape', type: 'main', index: 0 }]] },
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

/** Creates the workflow (default: the pure one) and its two webhooks; returns their public paths. */
export async function setUpWorkflow(baseUrl, apiKey, definition = pureWorkflow()) {
  const workflow = await call(baseUrl, apiKey, 'POST', '/workflows', definition);
  const onReceived = await call(baseUrl, apiKey, 'POST', '/webhooks', { workflowId: workflow.id, method: 'POST', responseMode: 'onReceived' });
  const lastNode = await call(baseUrl, apiKey, 'POST', '/webhooks', { workflowId: workflow.id, method: 'POST', responseMode: 'lastNode' });
  // One real request through each before measuring: fails loudly if the setup is wrong.
  for (const hook of [onReceived, lastNode]) {
    const response = await fetch(`${baseUrl}/webhook/handler/${hook.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: PAYLOAD });
    const text = await response.text();
    if (response.status !== (hook === lastNode ? 200 : 202)) throw new Error(`webhook ${hook.id} (${hook.responseMode}) answered ${response.status}: ${text}`);
    // A lastNode answer of the effect workflow carries the set node's output: the outside call worked.
    if (hook === lastNode && text.includes('"accepted"') && !text.includes('"accepted":true')) throw new Error(`the effect workflow's call failed: ${text}`);
  }
  return { workflowId: workflow.id, onReceivedPath: `/webhook/handler/${onReceived.id}`, lastNodePath: `/webhook/handler/${lastNode.id}` };
}
