import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_VIEW_CSP } from '../src/executions/execution-view.renderer.js';
import { ViewLinks } from '../src/executions/view-links.js';
import { createWorkflow, workflowBody } from './support/factories.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

type Auth = { Authorization: string };

/** The path and query of a view link, to request it from the app under test (PUBLIC_URL is not it). */
const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

/** POST /executions/:id/view-link and the page it opens without the API key (docs/executions.md). */
describe('execution view links', () => {
  let t: TestApp;
  let owner: { id: string; key: string; auth: Auth };
  let stranger: { auth: Auth };
  let executionId: string;
  let otherExecutionId: string;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await t.createMember('link-owner');
    stranger = await t.createMember('link-stranger');
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Webhook', type: 'trigger' },
          { name: 'Check', type: 'condition', parameters: { conditions: [{ output: 0, rules: [{ field: '{{ $context.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 } },
          { name: 'High', type: 'set', parameters: { values: { tier: 'high' } } },
          { name: 'Low', type: 'set', parameters: { values: { tier: 'low' } } },
        ],
        [
          ['Webhook', 'Check'],
          ['Check', 'High', 0],
          ['Check', 'Low', 1],
        ],
        { name: 'Route <b>leads</b>' },
      ),
      owner.auth,
    );
    await t.http.post(`/workflows/${workflow.id}/run`).set(owner.auth).send({ body: { score: 95 } }).expect(200);
    executionId = (await t.http.get(`/executions?workflowId=${workflow.id}`).set(owner.auth).expect(200)).body.items[0].id;
    await t.http.post(`/workflows/${workflow.id}/run`).set(owner.auth).send({ body: { score: 5 } }).expect(200);
    const items = (await t.http.get(`/executions?workflowId=${workflow.id}`).set(owner.auth).expect(200)).body.items as Array<{ id: string }>;
    otherExecutionId = items.find((item) => item.id !== executionId)!.id;
  });
  afterAll(() => t?.close());

  it('answers a signed URL valid 15 minutes that opens the view without the API key', async () => {
    const before = Date.now();
    const created = await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).send({}).expect(201);
    expect(Object.keys(created.body).sort()).toEqual(['expiresAt', 'url']);
    const { url, expiresAt } = created.body as { url: string; expiresAt: string };
    expect(url).toMatch(new RegExp(`^http://wfe\\.test/executions/${executionId}/signed-view\\?expires=\\d+&signature=[A-Za-z0-9_-]{43}$`));
    expect(url).not.toContain(owner.key);
    expect(url).not.toContain(ADMIN_KEY);
    const lifetime = Date.parse(expiresAt) - before;
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);

    const page = await t.http.get(pathOf(url)).expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(EXECUTION_VIEW_CSP);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(`<title>Execution ${executionId}</title>`);
    expect(page.text).toContain('<p class="wf-name">Route &lt;b&gt;leads&lt;/b&gt;</p>');
    expect(page.text).toContain('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Workflow graph"');
    expect([...page.text.matchAll(/<g class="g-node g-(\w+)"><title>([^ ]+)/g)].map(([, state, name]) => `${name}:${state}`)).toEqual(['Webhook:ok', 'Check:ok', 'High:ok', 'Low:skipped']);
    expect(page.text).toContain('this page was opened with a view link');
  });

  it('takes a lifetime between a minute and a day', async () => {
    const before = Date.now();
    const created = await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).send({ expiresInSeconds: 3600 }).expect(201);
    expect(Date.parse(created.body.expiresAt) - before).toBeGreaterThan(59 * 60_000);
    // No body at all (curl -X POST) is the default lifetime.
    const bare = await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).expect(201);
    expect(Date.parse(bare.body.expiresAt) - before).toBeLessThanOrEqual(15 * 60_000 + 1000);
    await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).send({ expiresInSeconds: 30 }).expect(400);
    await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).send({ lifetime: 60 }).expect(400);
    await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).send({ expiresInSeconds: 86_401 }).expect(400);
  });

  it('is created only by those who may see the execution: another member gets 404, no key 401', async () => {
    await t.http.post(`/executions/${executionId}/view-link`).set(t.admin).send({}).expect(201);
    const hidden = await t.http.post(`/executions/${executionId}/view-link`).set(stranger.auth).send({}).expect(404);
    expect(hidden.body.message).toBe(`Execution ${executionId} not found`);
    await t.http.post(`/executions/${executionId}/view-link`).send({}).expect(401);
    await t.http.post('/executions/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/view-link').set(owner.auth).send({}).expect(404);
  });

  it('opens only its execution and stops working when any part is altered', async () => {
    const { url } = (await t.http.post(`/executions/${executionId}/view-link`).set(owner.auth).send({}).expect(201)).body as { url: string };
    const link = new URL(url);
    const expires = link.searchParams.get('expires')!;
    const signature = link.searchParams.get('signature')!;
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const altered = [
      `/executions/${otherExecutionId}/signed-view?expires=${expires}&signature=${signature}`,
      `/executions/${executionId}/signed-view?expires=${Number(expires) + 3600}&signature=${signature}`,
      `/executions/${executionId}/signed-view?expires=${expires}&signature=${flipped}`,
      `/executions/${executionId}/signed-view?expires=${expires}`,
      `/executions/${executionId}/signed-view?expires=${expires}&signature=${signature}x`,
      `/executions/${executionId}/signed-view`,
    ];
    for (const path of altered) {
      const response = await t.http.get(path).expect(403);
      expect(response.body.message, path).toMatch(/^This view link is not valid/);
      expect(response.text).not.toContain('tier');
    }
    // Not a way around the key for the other views.
    await t.http.get(`/executions/${executionId}/view?expires=${expires}&signature=${signature}`).expect(401);
    await t.http.get(`/executions/${executionId}`).query({ expires, signature }).expect(401);
    await t.http.get(`/executions/not-a-uuid/signed-view?expires=${expires}&signature=${signature}`).expect(400);
  });

  it('stops working once expired', async () => {
    const links = t.app.get(ViewLinks);
    const stale = links.create(executionId, 60, Date.now() - 61_000);
    const response = await t.http.get(pathOf(stale.url)).expect(403);
    expect(response.body.message).toBe('This view link has expired: create a new one with POST /executions/:id/view-link');
    expect(links.check(executionId, new URL(stale.url).searchParams.get('expires'), new URL(stale.url).searchParams.get('signature'), Date.now() - 30_000)).toBe('valid');
  });

  it('is announced in the execution answer and documented in Swagger', async () => {
    const execution = (await t.http.get(`/executions/${executionId}`).set(owner.auth).expect(200)).body;
    expect(execution.viewLinkPath).toBe(`/executions/${executionId}/view-link`);
    const doc = (await t.http.get('/docs-json').expect(200)).body;
    const create = doc.paths['/executions/{id}/view-link'].post;
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ViewLinkDto' });
    expect(Object.keys(doc.components.schemas.ViewLinkDto.properties).sort()).toEqual(['expiresAt', 'url']);
    const signed = doc.paths['/executions/{id}/signed-view'].get;
    expect(signed.security).toBeUndefined();
    expect(Object.keys(signed.responses)).toEqual(expect.arrayContaining(['200', '403', '404']));
  });
});
