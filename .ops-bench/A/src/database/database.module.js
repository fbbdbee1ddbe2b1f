var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var DatabaseModule_1;
import { Global, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { runMigrationsLocked } from './migration-runner.js';
import { DatabaseLifecycle } from './database.lifecycle.js';
const logger = new Logger('Database');
/**
 * Opens the one DataSource of the process: the configured server, or the embedded PGlite when
 * DATABASE_URL is unset. Migrations run here, before any module touches a table.
 */
let DatabaseModule = DatabaseModule_1 = class DatabaseModule {
    static forRoot(config) {
        return {
            module: DatabaseModule_1,
            providers: [
                {
                    provide: DatabaseLifecycle,
                    useFactory: async () => {
                        let embedded;
                        let url = config.databaseUrl;
                        if (!url) {
                            embedded = await startEmbeddedPostgres(config.dataDir, config.dbPoolSize + 5);
                            url = embedded.url;
                            logger.log(`Using the embedded PostgreSQL (PGlite) persisted under ${config.dataDir}/pglite; set DATABASE_URL to use a server`);
                        }
                        else {
                            logger.log(`Using PostgreSQL at ${redactUrl(url)}`);
                        }
                        const dataSource = new DataSource(dataSourceOptions(url, config.dbPoolSize));
                        try {
                            await dataSource.initialize();
                        }
                        catch (error) {
                            await embedded?.stop();
                            throw error;
                        }
                        attachPoolErrorHandler(dataSource);
                        const lifecycle = new DatabaseLifecycle(dataSource, embedded);
                        if (config.dbMigrateOnStart) {
                            const applied = await runMigrationsLocked(dataSource);
                            if (applied.length)
                                logger.log(`Applied migrations: ${applied.join(', ')}`);
                        }
                        return lifecycle;
                    },
                },
                { provide: DataSource, useFactory: (lifecycle) => lifecycle.dataSource, inject: [DatabaseLifecycle] },
            ],
            exports: [DataSource, DatabaseLifecycle],
        };
    }
};
DatabaseModule = DatabaseModule_1 = __decorate([
    Global(),
    Module({})
], DatabaseModule);
export { DatabaseModule };
function redactUrl(url) {
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
/**
 * An idle pg client emits 'error' when the server restarts; without a listener that crashes the
 * process. The pool drops the broken client and the next query reconnects.
 */
function attachPoolErrorHandler(dataSource) {
    const pool = dataSource.driver.master;
    pool?.on('error', (error) => logger.warn(`Database connection lost: ${error.message}`));
}
//# sourceMappingURL=database.module.js.map