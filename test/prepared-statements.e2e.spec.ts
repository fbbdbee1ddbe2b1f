import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { allowNamedStatements, hasSessionPerConnection, queryPrepared } from '../src/database/prepared-statements.js';
import { testDatabaseUrl } from './support/test-database.js';

describe('hot statements as named prepared statements', () => {
  let db: DataSource;
  let server: boolean;
  beforeAll(async () => {
    db = new DataSource(dataSourceOptions((await testDatabaseUrl()), 3));
    await db.initialize();
    server = await hasSessionPerConnection(db);
    if (server) allowNamedStatements(db);
    await db.query('CREATE TABLE IF NOT EXISTS prepared_probe (id int PRIMARY KEY, n int NOT NULL)');
    await db.query('TRUNCATE prepared_probe');
  });
  afterAll(async () => {
    await db.query('DROP TABLE IF EXISTS prepared_probe');
    await db.destroy();
  });

  it('gives the same rows as a plain query, on every connection of the pool, inserts and UPDATE … RETURNING alike', async () => {
    const inserted = await Promise.all(
      Array.from({ length: 12 }, (_, id) => queryPrepared<{ id: number }>(db, 'probe_insert', 'INSERT INTO prepared_probe (id, n) VALUES ($1, 0) RETURNING id', [id])),
    );
    expect(inserted.flat().map((row) => row.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, id) => id));
    const updated = await Promise.all(
      Array.from({ length: 12 }, (_, id) => queryPrepared<{ id: number; n: number }>(db, 'probe_update', 'UPDATE prepared_probe SET n = n + 1 WHERE id = $1 RETURNING id, n', [id])),
    );
    expect(updated.flat().every((row) => row.n === 1)).toBe(true);
    expect(updated.flat()).toHaveLength(12);
    // A PostgreSQL server keeps the statement in the connection's session; PGlite (one session
    // shared by every connection) is given plain queries.
    const held = await Promise.all([1, 2, 3].map(() => db.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name IN ('probe_insert', 'probe_update')`)));
    expect(Math.max(...held.map((rows) => rows[0].n))).toBe(server ? 2 : 0);
    // The suite runs on a server when DATABASE_URL is set, on PGlite otherwise (test/support/global-setup.ts).
    expect(server).toBe(Boolean(process.env.DATABASE_URL));
  });
});
