/** Any constant shared by every replica; 'wfe_migr' in ASCII. */
const MIGRATION_LOCK_KEY = 0x7766655f6d696772n;
/**
 * Runs pending migrations while holding a session-level advisory lock, so that replicas starting
 * together apply each migration exactly once; the others wait, then find nothing to do.
 */
export async function runMigrationsLocked(dataSource) {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
        await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
        try {
            const applied = await dataSource.runMigrations({ transaction: 'each' });
            return applied.map((migration) => migration.name);
        }
        finally {
            await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
        }
    }
    finally {
        await runner.release();
    }
}
//# sourceMappingURL=migration-runner.js.map