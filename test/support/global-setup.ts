import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { TestProject } from 'vitest/node';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/**
 * Migrates one template database for the whole run; every test file then gets its own copy of it
 * (test/support/test-database.ts), so files cannot disturb each other through shared rows, sweeps or
 * locks. On the server named by DATABASE_URL the template is a database cloned with
 * `CREATE DATABASE … TEMPLATE`; without DATABASE_URL it is a dump of a migrated in-memory PGlite that
 * each file loads into a PGlite of its own, so `npm test` needs no server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  const prefix = `wfe_test_${process.pid}_${Date.now()}`;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres(undefined, 5);
    await migrate(embedded.url);
    const dir = mkdtempSync(join(tmpdir(), 'wfe-test-'));
    const dumpPath = join(dir, 'template.tar');
    writeFileSync(dumpPath, Buffer.from(await (await embedded.dump()).arrayBuffer()));
    await embedded.stop();
    project.provide('database', { kind: 'embedded', dumpPath, prefix });
    return async () => rmSync(dir, { recursive: true, force: true });
  }
  const template = `${prefix}_template`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  await migrate(withDatabase(serverUrl, template));
  project.provide('database', { kind: 'server', serverUrl, template, prefix });
  return () =>
    onServer(serverUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    });
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export type TestDatabaseTemplate =
  | { kind: 'embedded'; dumpPath: string; prefix: string }
  | { kind: 'server'; serverUrl: string; template: string; prefix: string };

declare module 'vitest' {
  export interface ProvidedContext {
    database: TestDatabaseTemplate;
  }
}
