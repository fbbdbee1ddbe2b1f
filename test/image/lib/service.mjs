import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `GET path` until it answers 200; resolves with the milliseconds that took, or throws. */
export async function waitFor200(url, timeoutMs, isAlive = async () => true) {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return Date.now() - started;
      last = `status ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    if (!(await isAlive())) throw new Error(`the container exited before ${url} answered 200 (last: ${last})`);
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** The admin REST API of one running container. */
export class AdminApi {
  constructor(base, key) {
    this.base = base;
    this.key = key;
  }

  async call(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const json = await response.json().catch(() => null);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** trigger → set: returns { workflowId, webhookId, path }. `authentication` as POST /webhooks takes it. */
  async echoWebhook(name, { authentication, responseMode = 'lastNode' } = {}) {
    const workflow = await this.call('POST', '/workflows', {
      name,
      active: true,
      nodes: [
        { id: 'n1', name: 'Webhook', type: 'trigger', parameters: {} },
        { id: 'n2', name: 'Answer', type: 'set', parameters: { values: { answered: 'by the image' } } },
      ],
      connections: { Webhook: { main: [[{ node: 'Answer', type: 'main', index: 0 }]] } },
    });
    return this.webhookFor(workflow.id, { authentication, responseMode });
  }

  /** trigger → HTTP Request to `url`: an outside call in flight for as long as `url` takes to answer. */
  async callingWebhook(name, url) {
    const workflow = await this.call('POST', '/workflows', {
      name,
      active: true,
      nodes: [
        { id: 'c1', name: 'Webhook', type: 'trigger', parameters: {} },
        { id: 'c2', name: 'Call', type: 'httpRequest', parameters: { url, method: 'POST', body: { from: 'image test' } } },
      ],
      connections: { Webhook: { main: [[{ node: 'Call', type: 'main', index: 0 }]] } },
    });
    return this.webhookFor(workflow.id, { responseMode: 'onReceived' });
  }

  async webhookFor(workflowId, { authentication, responseMode }) {
    const webhook = await this.call('POST', '/webhooks', { workflowId, method: 'POST', responseMode, ...(authentication ? { authentication } : {}) });
    return { workflowId, webhookId: webhook.id, path: `/webhook/handler/${webhook.id}` };
  }
}

/** POSTs a JSON body to a webhook; resolves with { status, body }. */
export async function sendWebhook(url, body = {}, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** One counter's value from a Prometheus text page (0 when absent). */
export async function metricValue(base, name, labels) {
  const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((label) => line.includes(label))) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
