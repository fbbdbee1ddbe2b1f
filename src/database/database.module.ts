import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { runMigrationsLocked } from './migration-runner.js';
import { allowNamedStatements, hasSessionPerConnection } from './prepared-statements.js';
import { DatabaseLifecycle } from './database.lifecycle.js';

const logger = new Logger('Database');

/**
 * Opens the one DataSource of the process: the configured server, or the embedded PGlite when
 * DATABASE_URL is unset. Migrations run here, before any module touches a table.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseLifecycle,
          useFactory: async () => {
            let embedded: EmbeddedPostgres | undefined;
            let url = config.databaseUrl;
            if (!url) {
              embedded = await startEmbeddedPostgres(config.dataDir, config.dbPoolSize + 5);
              url = embedded.url;
              logger.log(`Using the embedded PostgreSQL (PGlite) persisted under ${config.dataDir}/pglite; set DATABASE_URL to use a server`);
            } else {
              logger.log(`Using PostgreSQL at ${redactUrl(url)}`);
            }
            const dataSource = new DataSource(dataSourceOptions(url, config.dbPoolSize, (error) => logger.warn(`Database connection lost: ${error.message}`)));
            try {
              await dataSource.initialize();
            } catch (error) {
              await embedded?.stop();
              throw error;
            }
            if (await hasSessionPerConnection(dataSource)) allowNamedStatements(dataSource);
            const lifecycle = new DatabaseLifecycle(dataSource, embedded);
            if (config.dbMigrateOnStart) {
              const applied = await runMigrationsLocked(dataSource);
              if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);
            }
            return lifecycle;
          },
        },
        { provide: DataSource, useFactory: (lifecycle: DatabaseLifecycle) => lifecycle.dataSource, inject: [DatabaseLifecycle] },
      ],
      exports: [DataSource, DatabaseLifecycle],
    };
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
