import pg from 'pg';
import { DataSource } from 'typeorm';
import type { TestProject } from 'vitest/node';
import { dataSourceOptions } from '../../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/**
 * On the server named by DATABASE_URL: migrates one template database for the whole run, and every
 * test file gets its own copy of it (`CREATE DATABASE … TEMPLATE`, test/support/test-database.ts), so
 * files cannot disturb each other through shared rows, sweeps or locks. Without DATABASE_URL: one
 * migrated in-memory PGlite for the run, so `npm test` needs no server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  const prefix = `wfe_test_${process.pid}_${Date.now()}`;
  if (!serverUrl) {
    // One embedded database for the whole run, served from this process. A PGlite per file, in the
    // test file's own process, lost statements under load: its socket server interleaved the
    // protocol messages of concurrent connections (bind/parse mismatches), which a separate process
    // serving the queries did not show. So on PGlite the files share one database, as every test
    // owns its data through its own users; on a server each file gets its own.
    const embedded = await startEmbeddedPostgres(undefined, 100);
    await migrate(embedded.url);
    project.provide('database', { kind: 'embedded', url: embedded.url, prefix });
    return () => embedded.stop();
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
  | { kind: 'embedded'; url: string; prefix: string }
  | { kind: 'server'; serverUrl: string; template: string; prefix: string };

declare module 'vitest' {
  export interface ProvidedContext {
    database: TestDatabaseTemplate;
  }
}
