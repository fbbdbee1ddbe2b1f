/** Owns the DataSource (and the embedded server, if any) and closes them last at shutdown. */
export class DatabaseLifecycle {
    dataSource;
    embedded;
    constructor(dataSource, embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }
    get isEmbedded() {
        return this.embedded !== undefined;
    }
    /** True when every migration this build knows is recorded as applied. */
    async migrationsApplied() {
        const known = this.dataSource.migrations.map((migration) => migration.name).filter((name) => !!name);
        const rows = await this.dataSource.query('SELECT name FROM migrations WHERE name = ANY($1)', [known]);
        return rows.length === known.length;
    }
    async onApplicationShutdown() {
        if (this.dataSource.isInitialized)
            await this.dataSource.destroy();
        await this.embedded?.stop();
    }
}
//# sourceMappingURL=database.lifecycle.js.map