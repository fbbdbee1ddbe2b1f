import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createApp } from '../../src/app.factory.js';
import { testDatabaseUrl } from './test-database.js';

export const ADMIN_KEY = 'wfe_test_admin_key_0123456789abcdefghijklmnop';
export const TEST_ENCRYPTION_KEY = '6f'.repeat(32);

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: TestAgent;
  /** Headers for a request as the bootstrap admin. */
  admin: { Authorization: string };
  /** Creates a member and an API key for it. */
  createMember(name?: string): Promise<{ id: string; key: string; auth: { Authorization: string } }>;
  /** Stops the app; calling it again waits for the same close. */
  close(): Promise<void>;
}

/** The real application on the test database, listening on a random port. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: await testDatabaseUrl(),
    ADMIN_API_KEY: ADMIN_KEY,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: 'silent',
    PORT: '0',
    DB_POOL_SIZE: '5',
    PUBLIC_URL: 'http://wfe.test',
    ...env,
  });
  const app = await createApp(config);
  app.useLogger(false);
  await app.listen(0, '127.0.0.1');
  const http = request(app.getHttpServer());
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
  let members = 0;
  let closed: Promise<void> | undefined;
  return {
    app,
    config,
    http,
    admin,
    async createMember(name = 'member') {
      members += 1;
      const email = `${name}-${Date.now()}-${members}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      const user = await http.post('/users').set(admin).send({ email, name }).expect(201);
      const key = await http.post(`/users/${user.body.id}/api-keys`).set(admin).send({ name: 'test' }).expect(201);
      return { id: user.body.id as string, key: key.body.key as string, auth: { Authorization: `Bearer ${key.body.key}` } };
    },
    close: () => (closed ??= app.close()),
  };
}
