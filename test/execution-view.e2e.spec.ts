import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_VIEW_CSP } from '../src/executions/execution-view.renderer.js';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Auth = { Authorization: string };

const SCRIPT_PAYLOAD = '<script>alert("pwned")</script>';
const IMG_PAYLOAD = '<img src=x onerror=alert(1)>';

/** The part of the page that renders one node, keyed by the node's (escaped) name. */
function nodeSections(html: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const chunk of html.split('<li class="node ').slice(1)) {
    const name = /<span class="node-name">([^<]*)<\/span>/.exec(chunk)?.[1];
    if (name) sections.set(name, chunk.slice(0, chunk.indexOf('</li>')));
  }
  return sections;
}

/** The admin's HTML execution view (issue 7): content, escaping, scoping and headers. */
describe('GET /executions/:id/view', () => {
  let t: TestApp;
  let owner: { id: string; auth: Auth };
  let stranger: { auth: Auth };
  let completedId: string;
  let workflow: { id: string; version: number };

  beforeAll(async () => {
    t = await startTestApp();
    owner = await t.createMember('view-owner');
    stranger = await t.createMember('view-stranger');
    // A webhook run whose body carries markup, through nodes whose names and errors carry markup too.
    workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Webhook', type: 'trigger' },
          { name: 'Say <b>hi</b>', type: 'set', parameters: { values: { greeting: 'Hello {{ $context.name }}' } } },
          {
            name: 'Check',
            type: 'condition',
            parameters: { conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $context.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 },
          },
          { name: 'High', type: 'set', parameters: { values: { tier: 'high' } } },
          { name: 'Low', type: 'set', parameters: { values: { tier: 'low' } } },
          { name: 'Explode', type: 'set', continueOnFail: true, parameters: { values: { boom: `{{ $error('${IMG_PAYLOAD}') }}` } } },
        ],
        [
          ['Webhook', 'Say <b>hi</b>'],
          ['Say <b>hi</b>', 'Check'],
          ['Check', 'High', 0],
          ['Check', 'Low', 1],
          ['High', 'Explode'],
        ],
      ),
      owner.auth,
    );
    const hook = await createWebhook(t, workflow.id, {}, owner.auth);
    const accepted = await t.http.post(`/webhook/handler/${hook.id}`).send({ name: SCRIPT_PAYLOAD, score: 95 }).expect(202);
    completedId = accepted.body.executionId;
    expect((await waitForExecution(t, completedId, owner.auth)).status).toBe('COMPLETED');
  });
  afterAll(() => t?.close());

  it('renders the header and every node with its status, attempts, timing and data', async () => {
    const response = await t.http.get(`/executions/${completedId}/view`).set(owner.auth).expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = response.text;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<title>Execution ${completedId}</title>`);
    expect(html).toContain(`<h1>Execution ${completedId} <span class="badge bg-ok">COMPLETED</span></h1>`);
    expect(html).toContain(`<code>${workflow.id}</code> · version ${workflow.version}`);
    expect(html).toContain('<dt>Mode</dt><dd>webhook</dd>');
    expect(html).toMatch(/<dt>Duration<\/dt><dd>\d+(\.\d+)? m?s<\/dd>/);

    const sections = nodeSections(html);
    expect([...sections.keys()]).toEqual(['Webhook', 'Say &lt;b&gt;hi&lt;/b&gt;', 'Check', 'High', 'Low', 'Explode']);
    const expected: Record<string, [string, string]> = {
      Webhook: ['SUCCESS', 'ok'],
      'Say &lt;b&gt;hi&lt;/b&gt;': ['SUCCESS', 'ok'],
      Check: ['SUCCESS', 'ok'],
      High: ['SUCCESS', 'ok'],
      Low: ['SKIPPED', 'skipped'],
      Explode: ['FAILED', 'failed'],
    };
    for (const [name, [status, tone]] of Object.entries(expected)) {
      const section = sections.get(name)!;
      expect(section, name).toMatch(new RegExp(`^edge-${tone}">`));
      expect(section, name).toContain(`<span class="badge bg-${tone}">${status}</span>`);
    }
    expect(sections.get('Check')).toContain('output taken: 0');
    expect(sections.get('High')).not.toContain('output taken');
    expect(sections.get('High')).toMatch(/attempts: 1 · started \S+ \(\+\d+ ms\) · duration: \d+ ms/);
    expect(sections.get('Low')).toContain('attempts: 0 · not started');
    // Input and output are collapsible, pretty-printed JSON.
    expect(sections.get('High')).toContain('<details><summary>Output</summary><pre class="json">{\n  &quot;tier&quot;: &quot;high&quot;\n}</pre></details>');
    expect(sections.get('Webhook')).toContain('<div class="muted">Input: none</div>');
    expect(sections.get('Explode')).toMatch(/<pre class="error">Expression error in parameter [^<]*&lt;img src=x onerror=alert\(1\)&gt;<\/pre>/);
  });

  it('escapes outside data: a <script> in the webhook body and markup in names and errors stay text', async () => {
    const html = (await t.http.get(`/executions/${completedId}/view`).set(owner.auth).expect(200)).text;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>hi</b>');
    // The payload is there, as text, in the trigger data and in the node that used it.
    expect(html).toContain('&quot;name&quot;: &quot;&lt;script&gt;alert(\\&quot;pwned\\&quot;)&lt;/script&gt;&quot;');
    expect(nodeSections(html).get('Say &lt;b&gt;hi&lt;/b&gt;')).toContain('&quot;greeting&quot;: &quot;Hello &lt;script&gt;alert(\\&quot;pwned\\&quot;)&lt;/script&gt;&quot;');
  });

  it('draws the graph with escaped labels: markup in node names stays text inside the SVG', async () => {
    const html = (await t.http.get(`/executions/${completedId}/view`).set(owner.auth).expect(200)).text;
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg.length).toBeGreaterThan(0);
    expect(svg).toContain('<title>Say &lt;b&gt;hi&lt;/b&gt; (set): SUCCESS</title>');
    expect(svg).toContain('>Say &lt;b&gt;hi&lt;/b&gt;</text>');
    expect(svg).not.toContain('<b>');
    const states = [...svg.matchAll(/<g class="g-node g-(\w+)"><title>(.*?) \(/g)].map(([, state, name]) => `${name}:${state}`);
    expect(states).toEqual(['Webhook:ok', 'Say &lt;b&gt;hi&lt;/b&gt;:ok', 'Check:ok', 'High:ok', 'Low:skipped', 'Explode:failed']);
    expect(html).toContain('<p class="warn">Completed, but 1 node failed and the run went on (continueOnFail): Explode</p>');
  });

  it('sends a strict Content-Security-Policy and keeps the page out of caches', async () => {
    const response = await t.http.get(`/executions/${completedId}/view`).set(owner.auth).expect(200);
    expect(response.headers['content-security-policy']).toBe(EXECUTION_VIEW_CSP);
    expect(EXECUTION_VIEW_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is scoped like GET /executions/:id: the owner and admins see it, another member gets 404', async () => {
    await t.http.get(`/executions/${completedId}/view`).set(t.admin).expect(200);
    const hidden = await t.http.get(`/executions/${completedId}/view`).set(stranger.auth).expect(404);
    expect(hidden.body).toMatchObject({ statusCode: 404, message: `Execution ${completedId} not found` });
    expect(hidden.headers['content-type']).toMatch(/^application\/json/);
    expect(hidden.text).not.toContain('pwned');
    await t.http.get(`/executions/${completedId}/view`).expect(401);
    await t.http.get('/executions/not-a-uuid/view').set(owner.auth).expect(400);
    await t.http.get('/executions/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/view').set(owner.auth).expect(404);
  });

  it('shows a failed execution with its error, and a retry with the execution it retries', async () => {
    const failing = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Fail', type: 'set', parameters: { values: { x: "{{ $error('no such customer') }}" } } },
          { name: 'After', type: 'noOp' },
        ],
        [
          ['Start', 'Fail'],
          ['Fail', 'After'],
        ],
      ),
      owner.auth,
    );
    const run = await t.http.post(`/workflows/${failing.id}/run`).set(owner.auth).send({ body: { id: 7 } }).expect(500);
    const failedId = run.body.executionId as string;
    const failedHtml = (await t.http.get(`/executions/${failedId}/view`).set(owner.auth).expect(200)).text;
    expect(failedHtml).toContain('<span class="badge bg-failed">FAILED</span></h1>');
    expect(failedHtml).toContain('<dt>Mode</dt><dd>manual</dd>');
    expect(failedHtml).toMatch(/<\/dl>\n<pre class="error">[^<]*Fail[^<]*no such customer[^<]*<\/pre>/);
    expect(nodeSections(failedHtml).get('After')).toContain('<span class="badge bg-skipped">SKIPPED</span>');

    const retry = await t.http.post(`/executions/${failedId}/retry`).set(owner.auth).send({}).expect(201);
    const retryHtml = (await t.http.get(`/executions/${retry.body.id}/view`).set(owner.auth).expect(200)).text;
    expect(retryHtml).toContain('<dt>Mode</dt><dd>retry</dd>');
    expect(retryHtml).toContain(`<dt>Retry of</dt><dd><code>${failedId}</code></dd>`);
  });

  it('is documented in the OpenAPI document as an HTML admin route', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const operation = doc.paths['/executions/{id}/view']?.get;
    expect(operation).toBeDefined();
    expect(operation.summary).toMatch(/HTML/);
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/html']);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404']));
  });
});
