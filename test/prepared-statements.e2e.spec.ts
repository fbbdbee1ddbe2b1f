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

  it('plans a named statement for its parameters on every run, never keeping a plan made while the table was small', async () => {
    // PostgreSQL would switch to a generic plan from the sixth run on and keep it: made while a
    // day's partition is nearly empty, such a plan scans the whole partition once it has grown
    // (docs/retention-and-sizing.md, "Statement plans").
    for (let run = 0; run < 10; run++) {
      await queryPrepared(db, 'probe_batch_update', 'UPDATE prepared_probe SET n = n + 1 WHERE id = $1 RETURNING id', [1]);
    }
    const [{ n }] = await db.query('SELECT n FROM prepared_probe WHERE id = 1');
    expect(n).toBe(11);
    if (!server) return;
    const sessions = await Promise.all([1, 2, 3].map(() => db.query(`SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = 'probe_batch_update'`)));
    const plans = sessions.flat() as Array<{ generic: number; custom: number }>;
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.reduce((sum, row) => sum + row.custom, 0)).toBeGreaterThan(0);
    expect(plans.every((row) => row.generic === 0)).toBe(true);
  });
});
