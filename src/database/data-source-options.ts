import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from '../entities.js';

/** The part of a `pg` client the pool hands to `onConnect`. */
interface PgClientEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * The DataSource of the application, the migration CLI (ormconfig.ts) and the tests. The `pg` pool
 * under it is configured through public options only: `poolErrorHandler` (TypeORM's, for the pool's
 * `error` event) and pg-pool's `onConnect` (in `extra`, passed to the pool unchanged).
 *
 * `onConnectionLost` hears of an idle client that died (the server restarted): the pool drops the
 * broken client and the next query reconnects. Without a handler the event would end the process.
 */
export function dataSourceOptions(url: string, poolSize: number, onConnectionLost: (error: Error) => void = () => undefined): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    logging: false,
    poolSize,
    poolErrorHandler: onConnectionLost,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      // Connections stay open (pg's default closes them after 10 s idle): a new one must load the
      // catalog entries of every executions partition and its indexes on its first query over the
      // table, tens of milliseconds that a quiet minute would otherwise add to the next reads.
      idleTimeoutMillis: 0,
      // No JIT compilation: our statements are short, and at volume the planner's estimates for a
      // range over millions of rows (stats without a workflow, a flat table) pass jit_above_cost,
      // which then adds tens to hundreds of milliseconds of compiling to a query that runs in a few.
      // Each statement planned for its own parameters: a named statement's generic plan is made once
      // per connection, when today's partition may still be nearly empty, and nothing re-plans it
      // where autovacuum is off (no ANALYZE ever invalidates it). A batch's final-state UPDATE then
      // kept a hash join over a sequential scan of the whole partition, or a scan of every row that
      // ever was RUNNING (dead index entries included): 100-300 ms per statement after a minute of
      // load. Planned each time, it looks rows up by primary key; planning costs 0.2-0.5 ms a batch,
      // and the parse is still saved (docs/retention-and-sizing.md, "Statement plans"). Set per
      // connection, at startup; PGlite, which has no JIT, accepts and ignores `jit`.
      options: '-c jit=off -c plan_cache_mode=force_custom_plan',
      onConnect: keepErrorsHandled,
    },
  };
}

/**
 * A client that is checked out but between queries has no listener of the pool's or TypeORM's for
 * a moment; a server restart then ("terminating connection due to administrator command") would be
 * an unhandled 'error' event and kill the process. The client is already dead and the pool discards
 * it on release, so a permanent listener only has to keep the event handled.
 */
function keepErrorsHandled(client: PgClientEvents): void {
  client.on('error', () => undefined);
}
