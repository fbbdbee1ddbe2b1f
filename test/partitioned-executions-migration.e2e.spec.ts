import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { newId } from '../src/common/uuid.js';
import { MIGRATIONS } from '../migrations/index.js';
import { onServer, withDatabase } from './support/global-setup.js';

/**
 * The migration to the partitioned table, on a database of its own: migrated up to the migration
 * before it, filled as the previous schema wrote rows, then migrated. Every row must read back whole.
 */
describe('migration PartitionedExecutions: rows of the previous schema survive (docs/retention-and-sizing.md)', () => {
  let db: DataSource;
  let embedded: EmbeddedPostgres | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const target = MIGRATIONS.findIndex((migration) => migration.name === 'PartitionedExecutions1796350000000');

  beforeAll(async () => {
    let url: string;
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const name = `wfe_test_partition_migration_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
      url = withDatabase(serverUrl, name);
      dropDatabase = () => onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
    } else {
      embedded = await startEmbeddedPostgres(undefined, 5);
      url = embedded.url;
    }
    db = new DataSource({ ...dataSourceOptions(url, 2), migrations: MIGRATIONS.slice(0, target) });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await db?.destroy();
    await embedded?.stop();
    await dropDatabase?.();
  });

  async function migrateToPartitioned(): Promise<void> {
    // Up to PartitionedExecutions only: later migrations add columns that the rows written before lack.
    const all = new DataSource({ ...dataSourceOptions((db.options as { url: string }).url, 2), migrations: MIGRATIONS.slice(0, target + 1) });
    await all.initialize();
    try {
      expect((await all.runMigrations({ transaction: 'each' })).map((m) => m.name)).toContain('PartitionedExecutions1796350000000');
    } finally {
      await all.destroy();
    }
  }

  it('keeps every row and column, the keys, the triggers and the uniqueness they gave', async () => {
    const workflowId = newId();
    const webhookId = newId();
    const parent = newId();
    const old = new Date(Date.now() - 20 * 86_400_000);
    // A UUIDv4 id (not time-ordered): its place is decided by the new table's routing.
    const v4 = crypto.randomUUID();
    const rows = [
      { id: parent, mode: 'webhook', status: 'WAITING', hook: webhookId, key: 'evt_1', created: old },
      { id: newId(), mode: 'subworkflow', status: 'RUNNING', parent, node: 'Run child', index: 0, created: new Date() },
      { id: newId(), mode: 'schedule', status: 'COMPLETED', key: '2026-01-01T00:00:00.000Z', created: new Date() },
      { id: v4, mode: 'manual', status: 'FAILED', created: new Date() },
    ];
    for (const row of rows) {
      await db.query(
        `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "nodeExecutions", error, "idempotencyKey",
                                          "createdAt", "startedAt", "completedAt", attempt, "lostRuns", "leaseOwner", "waitNode", "waitTill", "resumeData", "traceContext",
                                          "webhookResponse", "parentExecutionId", "parentNode", "parentIndex", "parentWaits", depth, "childEnded")
         VALUES ($1, $2, 3, $3, $4, $5, $6, '{"body":{"a":1}}', '[{"nodeId":"t","status":"SUCCESS"}]', 'boom', $7, $8, $8, $8, 2, 1, 'w1', 'Wait', $8, '{"r":1}',
                 '00-abc-def-01', '{"statusCode":201}', $9, $10, $11, true, 1, true)`,
        [row.id, workflowId, row.hook ?? null, newId(), row.mode, row.status, row.key ?? null, row.created, row.parent ?? null, row.node ?? null, row.index ?? null],
      );
    }
    // The FAILED row queued its error workflow when it was written; the migration must not queue it again.
    await db.query('DELETE FROM error_workflow_outbox');
    const before: Array<Record<string, unknown>> = await db.query('SELECT * FROM workflow_executions ORDER BY id');
    await migrateToPartitioned();

    const after: Array<Record<string, unknown>> = await db.query('SELECT * FROM workflow_executions ORDER BY id');
    expect(after).toEqual(before);
    const [{ kind }] = await db.query(`SELECT relkind AS kind FROM pg_class WHERE relname = 'workflow_executions'`);
    expect(kind).toBe('p');
    // The uniques moved to execution_keys.
    const keys: Array<{ kind: string; executionId: string }> = await db.query('SELECT kind, "executionId" FROM execution_keys ORDER BY kind');
    expect(keys).toEqual([
      { kind: 'child', executionId: rows[1].id },
      { kind: 'schedule', executionId: rows[2].id },
      { kind: 'webhook', executionId: parent },
    ]);
    // The triggers are back: a waited-for child's end marks its parent, a failure is queued once.
    await db.query(`UPDATE workflow_executions SET status = 'COMPLETED' WHERE id = $1`, [rows[1].id]);
    const [marked] = await db.query(`SELECT "childEnded", "waitTill" <= now() AS due FROM workflow_executions WHERE id = $1`, [parent]);
    expect(marked).toEqual({ childEnded: true, due: true });
    expect(await db.query('SELECT "executionId" FROM error_workflow_outbox')).toEqual([]);
    await db.query(`UPDATE workflow_executions SET status = 'FAILED' WHERE id = $1`, [parent]);
    expect(await db.query('SELECT "executionId" FROM error_workflow_outbox')).toEqual([{ executionId: parent }]);
  });
});
