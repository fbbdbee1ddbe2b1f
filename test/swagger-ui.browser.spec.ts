import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWAGGER_UI_CSP } from '../src/common/security-headers.js';
import { EXECUTION_VIEW_CSP } from '../src/executions/execution-view.renderer.js';
import { ViewLinks } from '../src/executions/view-links.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';

/** Debian's build (`apt-get install -y chromium`, done by .ci/run): nothing is downloaded here. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** Each UI step waits at most this long: a stuck step fails with its own message, not the test timeout. */
const STEP_MS = 10_000;

/** The workflow pasted into Swagger UI's request body: trigger → set. */
const WORKFLOW = {
  name: 'Browser check: greet',
  nodes: [
    { id: 'b1', name: 'Webhook', type: 'trigger', parameters: {} },
    { id: 'b2', name: 'Greet', type: 'set', parameters: { values: { greeting: 'Hello {{ $context.name }}', note: '{{ $context.note }}' } } },
  ],
  connections: { Webhook: { main: [[{ node: 'Greet', type: 'main', index: 0 }]] } },
};

/** An operation's block in Swagger UI, found by method and path rather than by generated ids. */
function operation(page: Page, method: string, path: string): Locator {
  return page.locator(`.opblock.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

/** Expands an operation, presses "Try it out", lets `fill` set its inputs, presses Execute. */
async function tryItOut(op: Locator, fill: (op: Locator) => Promise<void>): Promise<{ status: string; body: string }> {
  await op.locator('.opblock-summary').first().click();
  await op.locator('button.try-out__btn').click({ timeout: STEP_MS });
  await fill(op);
  await op.locator('button.execute').click({ timeout: STEP_MS });
  const live = op.locator('.live-responses-table .response').first();
  await live.waitFor({ timeout: STEP_MS });
  return {
    status: (await live.locator('.response-col_status').innerText()).trim(),
    body: await live.locator('.response-col_description .highlight-code pre, .response-col_description pre').first().innerText(),
  };
}

describe('Swagger UI and the execution view in Debian chromium', () => {
  let t: TestApp;
  let base: string;
  let profile: string;
  let launching: Promise<BrowserContext> | undefined;
  /** Requests the pages tried to send anywhere but the app under test (blocked). */
  const outside: string[] = [];
  const pageErrors: string[] = [];
  /** The Swagger UI page, authorized in the first test and reused by the second. */
  let docs: Page | undefined;
  let workflowId: string | undefined;

  beforeAll(async () => {
    // Chromium starts while the app does; the tests await it (and fail with its error, if any).
    browser().catch(() => undefined);
    t = await startTestApp();
    base = await t.app.getUrl();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await mkdir(ARTIFACTS, { recursive: true });
  }, 60_000);

  /**
   * Awaited inside the tests, not in beforeAll: a machine where chromium is missing or cannot start
   * then shows these tests as failed (never as skipped), with the fix in the message.
   */
  function browser(): Promise<BrowserContext> {
    return (launching ??= launchBrowser());
  }

  async function launchBrowser(): Promise<BrowserContext> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (never npx playwright install)`);
    profile = await mkdtemp(join(tmpdir(), 'wfe-chromium-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 900 }, timeout: 30_000 });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === base || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      outside.push(url.href);
      return route.abort('blockedbyclient');
    });
    context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`)));
    return context;
  }

  afterAll(async () => {
    await (await launching?.catch(() => undefined))?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('authorizes with the API key, creates a workflow with "Try it out" and reads it back', async () => {
    const page = (docs = await (await browser()).newPage());
    // Swagger UI runs under its own strict policy (docs/security.md): nothing it needs may be refused.
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    const opened = await page.goto(`${base}/docs`);
    expect(opened?.headers()['content-security-policy']).toBe(SWAGGER_UI_CSP);
    await page.locator('.auth-wrapper button.authorize').click({ timeout: STEP_MS });
    const dialog = page.locator('.modal-ux');
    await dialog.locator('#auth-bearer-value').fill(ADMIN_KEY);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    await dialog.locator('h6', { hasText: 'Authorized' }).waitFor({ timeout: STEP_MS });
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached', timeout: STEP_MS });

    const createOp = operation(page, 'post', '/workflows');
    const created = await tryItOut(createOp, (op) => op.locator('textarea.body-param__text').fill(JSON.stringify(WORKFLOW, null, 2)));
    expect(created.status, created.body).toBe('201');
    const workflow = JSON.parse(created.body);
    expect(workflow).toMatchObject({ name: WORKFLOW.name, version: 1, nodes: [{ name: 'Webhook' }, { name: 'Greet' }] });
    workflowId = workflow.id;

    const read = await tryItOut(operation(page, 'get', '/workflows/{id}'), (op) => op.locator('tr[data-param-name="id"] input').fill(workflow.id));
    expect(read.status, read.body).toBe('200');
    expect(JSON.parse(read.body)).toMatchObject({ id: workflow.id, name: WORKFLOW.name });
    // And the API agrees: the UI really stored it.
    await t.http.get(`/workflows/${workflow.id}`).set(t.admin).expect(200);

    // The page is ~12,000 px tall: the picture is POST /workflows, from its summary (the lock shows
    // the key is set) through the pasted body to the 201 answer.
    await page.evaluate(() => window.scrollTo(0, 0));
    const top = (await createOp.boundingBox())!;
    const answer = (await createOp.locator('.live-responses-table').boundingBox())!;
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png'), fullPage: true, clip: { x: 0, y: top.y - 8, width: 1280, height: answer.y + answer.height - top.y + 16 } });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(refused).toEqual([]);
    // The key is not kept in the browser for a script on this origin to find (persistAuthorization off).
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(ADMIN_KEY);
  }, 60_000);

  it("runs no script of a workflow's HTML webhook answer, and the key is not in storage after a reload", async () => {
    // Issue 22 item 1, end to end: a member's workflow answers its webhook with HTML and a script
    // that would send what this origin keeps to the member's server.
    const workflow = await t.http
      .post('/workflows')
      .set(t.admin)
      .send({
        name: 'Browser check: hostile answer',
        active: true,
        nodes: [
          { id: 'h1', name: 'Hook', type: 'trigger', parameters: {} },
          {
            id: 'h2',
            name: 'Page',
            type: 'respondToWebhook',
            parameters: {
              headers: { 'Content-Type': 'text/html; charset=utf-8' },
              body: '<!doctype html><title>answer</title><img src="/img-loaded"><script>fetch("/ran?" + encodeURIComponent(JSON.stringify(localStorage)))</script>',
            },
          },
        ],
        connections: { Hook: { main: [[{ node: 'Page', type: 'main', index: 0 }]] } },
      })
      .expect(201);
    const hook = await t.http.post('/webhooks').set(t.admin).send({ workflowId: workflow.body.id, method: 'GET', responseMode: 'responseNode' }).expect(201);

    // A fresh load of Swagger UI in the same browser profile: not authorized, no key stored.
    const reloaded = await (await browser()).newPage();
    await reloaded.goto(`${base}/docs`);
    await reloaded.locator('.auth-wrapper button.authorize').waitFor({ timeout: STEP_MS });
    expect(await reloaded.locator('.auth-wrapper button.authorize.locked').count()).toBe(0);
    expect(await reloaded.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(ADMIN_KEY);
    await reloaded.close();

    // The answer renders (its image loads) but its script never runs (it would fetch /ran).
    const page = await (await browser()).newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const answer = await page.goto(`${base}/webhook/handler/${hook.body.id}`, { waitUntil: 'load' });
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()['content-security-policy']).toBe('sandbox');
    expect(answer?.headers()['x-content-type-options']).toBe('nosniff');
    await page.waitForTimeout(500);
    expect(requested).toContain('/img-loaded');
    expect(requested.filter((path) => path.startsWith('/ran'))).toEqual([]);
    await page.close();
    expect(outside).toEqual([]);
  }, 60_000);

  it('shows the execution view with the bearer header, styled, scriptless, and through "Try it out"', async () => {
    expect(workflowId, 'the Swagger UI step created the workflow').toBeDefined();
    const run = await t.http
      .post(`/workflows/${workflowId}/run`)
      .set(t.admin)
      .send({ body: { name: 'Ada', note: '<script>document.title="pwned"</script>' } })
      .expect(200);
    expect(run.body).toMatchObject({ greeting: 'Hello Ada' });
    const executionId = (await t.http.get(`/executions?workflowId=${workflowId}`).set(t.admin).expect(200)).body.items[0].id as string;

    const page = await (await browser()).newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    await page.setExtraHTTPHeaders({ Authorization: `Bearer ${ADMIN_KEY}` });
    const response = await page.goto(`${base}/executions/${executionId}/view`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(EXECUTION_VIEW_CSP);
    expect(await page.title()).toBe(`Execution ${executionId}`);
    expect(await page.locator('li.node .node-name').allInnerTexts()).toEqual(['Webhook', 'Greet']);
    expect(await page.locator('li.node .badge').allInnerTexts()).toEqual(['SUCCESS', 'SUCCESS']);
    // The inline stylesheet applied (CSP allows it): a SUCCESS badge is green.
    expect(await page.locator('h1 .badge').evaluate((badge) => getComputedStyle(badge).backgroundColor)).toBe('rgb(31, 138, 76)');
    // The payload is shown as text and never ran.
    expect(await page.locator('script').count()).toBe(0);
    const greetOutput = page.locator('li.node').nth(1).locator('details').filter({ has: page.locator('summary', { hasText: /^Output$/ }) });
    expect(await greetOutput.locator('pre').isVisible()).toBe(false);
    await greetOutput.locator('summary').click();
    expect(await greetOutput.locator('pre').innerText()).toContain('"note": "<script>document.title=\\"pwned\\"</script>"');
    expect(await page.title()).toBe(`Execution ${executionId}`);
    await page.locator('header details summary').click();
    await page.screenshot({ path: join(ARTIFACTS, 'execution-view.png'), fullPage: true });
    expect(violations).toEqual([]);
    await page.close();

    // Swagger UI reaches the same page: "Try it out" shows the HTML it answers.
    expect(docs, 'the Swagger UI page of the first test').toBeDefined();
    const viewed = await tryItOut(operation(docs!, 'get', '/executions/{id}/view'), (op) => op.locator('tr[data-param-name="id"] input').fill(executionId));
    expect(viewed.status).toBe('200');
    expect(viewed.body).toMatch(/^<!doctype html>/);
    expect(viewed.body).toContain('<span class="node-name">Greet</span>');
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('opens a view link in the browser without the API key: the graph coloured by status, screenshot', async () => {
    const workflow = await t.http
      .post('/workflows')
      .set(t.admin)
      .send({
        name: 'Browser check: <route> leads',
        nodes: [
          { id: 'v1', name: 'Webhook', type: 'trigger', parameters: {} },
          { id: 'v2', name: 'Check score', type: 'condition', parameters: { conditions: [{ output: 0, rules: [{ field: '{{ $context.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 } },
          { id: 'v3', name: 'VIP <b>offer</b>', type: 'set', parameters: { values: { tier: 'vip' } } },
          { id: 'v4', name: 'Standard offer', type: 'set', parameters: { values: { tier: 'standard' } } },
          { id: 'v5', name: 'Enrich', type: 'set', continueOnFail: true, parameters: { values: { x: "{{ $error('CRM unavailable') }}" } } },
          { id: 'v6', name: 'Done', type: 'noOp', parameters: {} },
        ],
        connections: {
          Webhook: { main: [[{ node: 'Check score', type: 'main', index: 0 }]] },
          'Check score': { main: [[{ node: 'VIP <b>offer</b>', type: 'main', index: 0 }], [{ node: 'Standard offer', type: 'main', index: 0 }]] },
          'VIP <b>offer</b>': { main: [[{ node: 'Enrich', type: 'main', index: 0 }]] },
          Enrich: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
        },
      })
      .expect(201);
    await t.http.post(`/workflows/${workflow.body.id}/run`).set(t.admin).send({ body: { score: 97 } }).expect(200);
    const executionId = (await t.http.get(`/executions?workflowId=${workflow.body.id}`).set(t.admin).expect(200)).body.items[0].id as string;
    const link = (await t.http.post(`/executions/${executionId}/view-link`).set(t.admin).send({}).expect(201)).body as { url: string; expiresAt: string };
    const signed = new URL(link.url);
    // PUBLIC_URL of the tests is not where the app listens: same path and query, on the app.
    const url = `${base}${signed.pathname}${signed.search}`;

    const page = await (await browser()).newPage();
    const sentHeaders: Array<Record<string, string>> = [];
    page.on('request', (request) => sentHeaders.push(request.headers()));
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(EXECUTION_VIEW_CSP);
    expect(sentHeaders.every((headers) => !('authorization' in headers))).toBe(true);
    expect(await page.title()).toBe(`Execution ${executionId}`);
    expect(await page.locator('.wf-name').innerText()).toBe('Browser check: <route> leads');
    const graph = page.locator('.graph svg');
    expect(await graph.isVisible()).toBe(true);
    const boxes = graph.locator('g.g-node');
    expect(await boxes.locator('title').allTextContents()).toEqual([
      'Webhook (trigger): SUCCESS',
      'Check score (condition): SUCCESS',
      'VIP <b>offer</b> (set): SUCCESS',
      'Standard offer (set): SKIPPED',
      'Enrich (set): FAILED',
      'Done (noOp): SUCCESS',
    ]);
    expect(await boxes.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('class')))).toEqual(['g-node g-ok', 'g-node g-ok', 'g-node g-ok', 'g-node g-skipped', 'g-node g-failed', 'g-node g-ok']);
    // The inline stylesheet colours the boxes (CSP allows it): a failed node is red, a skipped one grey.
    expect(await boxes.nth(4).locator('rect').evaluate((rect) => getComputedStyle(rect).stroke)).toBe('rgb(198, 47, 58)');
    expect(await boxes.nth(3).locator('rect').evaluate((rect) => getComputedStyle(rect).strokeDasharray)).toBe('5px, 4px');
    // Webhook→Check, Check→VIP, VIP→Enrich and Enrich→Done (continueOnFail) were followed; Check→Standard was not.
    expect(await graph.locator('path.g-edge.g-taken').count()).toBe(4);
    expect(await graph.locator('path.g-edge:not(.g-taken)').count()).toBe(1);
    expect(await page.locator('.warn').innerText()).toContain('Enrich');
    expect(await page.locator('script').count()).toBe(0);
    const shot = join(ARTIFACTS, 'execution-view-link.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(violations).toEqual([]);

    // Altered or expired, the link opens nothing.
    const signature = signed.searchParams.get('signature')!;
    const altered = `${base}${signed.pathname}?expires=${Number(signed.searchParams.get('expires')) + 60}&signature=${signature}`;
    expect((await page.goto(altered))?.status()).toBe(403);
    expect(await page.locator('body').innerText()).toContain('This view link is not valid');
    const stale = new URL(t.app.get(ViewLinks).create(executionId, 60, Date.now() - 120_000).url);
    expect((await page.goto(`${base}${stale.pathname}${stale.search}`))?.status()).toBe(403);
    expect(await page.locator('body').innerText()).toContain('expired');
    await page.close();
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
