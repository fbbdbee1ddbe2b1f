import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShutdownState } from '../src/common/shutdown-state.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('health endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness without credentials', async () => {
    const response = await t.http.get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('reports the database and migrations as ready', async () => {
    const response = await t.http.get('/health/ready').expect(200);
    expect(response.body.details.database.status).toBe('up');
    expect(response.body.details.migrations.status).toBe('up');
  });

  it('gives a detailed report on /health', async () => {
    const response = await t.http.get('/health').expect(200);
    expect(Object.keys(response.body.details)).toEqual(expect.arrayContaining(['database', 'migrations', 'lifecycle']));
  });

  it('turns readiness to 503 once shutdown begins, while liveness stays 200', async () => {
    const other = await startTestApp();
    try {
      other.app.get(ShutdownState).begin();
      await other.http.get('/health/ready').expect(503);
      await other.http.get('/health/live').expect(200);
    } finally {
      await other.close();
    }
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    await t.http.get('/docs').expect(200);
    const doc = await t.http.get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes.bearer).toBeDefined();
  });
});
