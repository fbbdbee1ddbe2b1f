import type { DataSource } from 'typeorm';

/** The part of a `pg` client that a named statement needs (QueryRunner.connect answers the client itself). */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const onServers = new WeakSet<DataSource>();

/**
 * Marks a DataSource whose connections each have a session of their own (a PostgreSQL server, not
 * PGlite: its socket server shares one session among all connections, where two connections
 * preparing the same name collide). A pooler between the two must keep prepared statements too
 * (PgBouncer in transaction mode: `max_prepared_statements`, 1.21 and later).
 */
export function allowNamedStatements(dataSource: DataSource): void {
  onServers.add(dataSource);
}

/**
 * A PostgreSQL server gives each connection a session of its own. PGlite does not, embedded or
 * started by the tests behind DATABASE_URL: its socket server shares one session among them.
 */
export async function hasSessionPerConnection(dataSource: DataSource): Promise<boolean> {
  const rows: Array<{ version: string }> = await dataSource.query('SELECT version()');
  return !rows[0]?.version.includes('PGlite');
}

/**
 * Runs one of the hot statements (execution inserts, claims, final states) as a named prepared
 * statement where the server allows it: PostgreSQL then parses it once per connection instead of on
 * every batch. It is still planned for each run's parameters (plan_cache_mode, data-source-options.ts):
 * a plan kept from when the table was small would scan it whole once it has grown. Elsewhere, a
 * plain query. Returns the rows, for UPDATE … RETURNING as well.
 */
export async function queryPrepared<T>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (onServers.has(dataSource)) {
    // A query runner is TypeORM's public way to hold one pooled connection; its `pg` client takes a
    // named statement, which `query()` cannot pass through.
    const runner = dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PgClient;
      return (await client.query({ name, text, values })).rows as T[];
    } finally {
      await runner.release();
    }
  }
  return unwrapUpdate<T>(await dataSource.query(text, values));
}

/** `dataSource.query` returns `[rows, count]` for UPDATE … RETURNING on postgres. */
export function unwrapUpdate<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
