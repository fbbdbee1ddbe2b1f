import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { onServer, withDatabase } from './global-setup.js';

let database: Promise<string> | undefined;

/**
 * This test file's own database, a copy of the run's migrated template (test/support/global-setup.ts),
 * made on first use. Vitest loads modules afresh for every file, so the copy is per file: on a server
 * it is dropped when the run ends; an embedded copy lives in this file's process and ends with it.
 */
export function testDatabaseUrl(): Promise<string> {
  database ??= create();
  return database;
}

/** True when the suite runs on the embedded PGlite (no DATABASE_URL). */
export function onEmbeddedDatabase(): boolean {
  return inject('database').kind === 'embedded';
}

async function create(): Promise<string> {
  const template = inject('database');
  if (template.kind === 'embedded') {
    const embedded = await startEmbeddedPostgres(undefined, 50, new Blob([readFileSync(template.dumpPath)]));
    return embedded.url;
  }
  const name = `${template.prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(template.serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template.template}`));
  return withDatabase(template.serverUrl, name);
}
