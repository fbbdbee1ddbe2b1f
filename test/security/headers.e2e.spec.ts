import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** docs/security.md: helmet's headers, no framework banner, CORS off unless configured; SWAGGER_ENABLED (docs/configuration.md). */
describe('security headers, CORS and the Swagger switch', () => {
  let t: TestApp;
  let cases = 0;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    console.log(`headers: ${cases} cases`);
    await t?.close();
  });

  const samples = (): Array<[string, () => ReturnType<TestApp['http']['get']>]> => [
    ['admin route', () => t.http.get('/workflows').set(t.admin)],
    ['admin route without a key (401)', () => t.http.get('/workflows')],
    ['unknown route (404)', () => t.http.get('/no/such/thing')],
    ['webhook (404)', () => t.http.post('/webhook/handler/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').send({})],
    ['malformed JSON (400)', () => t.http.post('/workflows').set(t.admin).set('Content-Type', 'application/json').send('{"name":')],
    ['liveness', () => t.http.get('/health/live')],
    ['metrics', () => t.http.get('/metrics')],
    ['OpenAPI document', () => t.http.get('/docs-json')],
  ];

  it('sends helmet headers and no X-Powered-By on every kind of answer', async () => {
    for (const [label, request] of samples()) {
      cases += 1;
      const response = await request();
      expect(response.headers['x-content-type-options'], label).toBe('nosniff');
      expect(response.headers['x-frame-options'], label).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security'], label).toMatch(/max-age=\d+/);
      expect(response.headers['referrer-policy'], label).toBe('no-referrer');
      expect(response.headers['cross-origin-opener-policy'], label).toBe('same-origin');
      expect(response.headers['x-dns-prefetch-control'], label).toBe('off');
      expect(response.headers['x-powered-by'], label).toBeUndefined();
    }
  });

  it('answers no CORS headers by default, to a preflight or to a cross-origin request', async () => {
    for (const path of ['/workflows', '/webhook/handler/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '/health/live', '/docs-json']) {
      cases += 2;
      const preflight = await t.http.options(path).set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.headers['access-control-allow-origin'], path).toBeUndefined();
      expect(preflight.headers['access-control-allow-credentials'], path).toBeUndefined();
      expect(preflight.headers['access-control-allow-headers'], path).toBeUndefined();
      const simple = await t.http.get(path).set('Origin', 'https://evil.example').set(t.admin);
      expect(simple.headers['access-control-allow-origin'], path).toBeUndefined();
    }
  });

  it('allows exactly the configured origins when CORS_ORIGINS is set', async () => {
    const cors = await startTestApp({ CORS_ORIGINS: 'https://admin.example' });
    try {
      cases += 2;
      const allowed = await cors.http.options('/workflows').set('Origin', 'https://admin.example').set('Access-Control-Request-Method', 'GET');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example');
      const refused = await cors.http.options('/workflows').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });

  it('serves Swagger UI and the OpenAPI document by default, and neither with SWAGGER_ENABLED=false', async () => {
    cases += 4;
    await t.http.get('/docs-json').expect(200);
    const ui = await t.http.get('/docs/').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const off = await startTestApp({ SWAGGER_ENABLED: 'false' });
    try {
      for (const path of ['/docs', '/docs/', '/docs-json', '/docs/swagger-ui.css']) {
        cases += 1;
        const response = await off.http.get(path);
        expect(response.status, path).toBe(404);
        expect(response.text, path).not.toContain('openapi');
      }
      // The rest of the application is unaffected.
      await off.http.get('/workflows').set(off.admin).expect(200);
    } finally {
      await off.close();
    }
  });
});
