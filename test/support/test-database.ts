import { inject } from 'vitest';
import { onServer, withDatabase } from './global-setup.js';

let database: Promise<string> | undefined;

/**
 * This test file's database, made on first use: on a server, a copy of the run's migrated template
 * (test/support/global-setup.ts), per file since vitest loads modules afresh for every file, dropped
 * when the run ends; on PGlite, the run's one embedded database.
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
  if (template.kind === 'embedded') return template.url;
  const name = `${template.prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(template.serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template.template}`));
  return withDatabase(template.serverUrl, name);
}
