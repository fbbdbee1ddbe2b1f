import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from '../entities.js';

export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
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
      // Set per connection, at startup; PGlite, which has no JIT, accepts and ignores it.
      options: '-c jit=off',
    },
  };
}
