import { type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EmbeddedPostgres } from './embedded-postgres.js';

/** Owns the DataSource (and the embedded server, if any) and closes them last at shutdown. */
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    readonly dataSource: DataSource,
    private readonly embedded: EmbeddedPostgres | undefined,
  ) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** True when every migration this build knows is recorded as applied. */
  async migrationsApplied(): Promise<boolean> {
    const known = this.dataSource.migrations.map((migration) => migration.name).filter((name): name is string => !!name);
    const rows: { name: string }[] = await this.dataSource.query('SELECT name FROM migrations WHERE name = ANY($1)', [known]);
    return rows.length === known.length;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
