import { MigrationInterface, QueryRunner } from 'typeorm';

const PK = 'PK_9d49b5c86c267d902145ed42c9d';
/** Unique indexes a partitioned table cannot hold (they lack the partition key): execution_keys takes them over. */
const MOVED_UNIQUES = ['UQ_executions_webhook_idempotency', 'UQ_executions_schedule_idempotency', 'UQ_executions_parent_node_run'];
const TRIGGERS = ['TRG_executions_failed_insert', 'TRG_executions_failed_update', 'TRG_executions_child_ended'];

/**
 * Execution history at volume (docs/retention-and-sizing.md):
 * - `workflow_executions` becomes RANGE-partitioned on `id`: ids are UUIDv7, whose first 48 bits are
 *   the creation time in milliseconds, so a day is an id range, the primary key stays `(id)`, a read
 *   by id or by id cursor prunes partitions on its own, and retention drops a day's partition. The
 *   service creates the daily partitions ahead (src/executions/partitions/); a DEFAULT partition
 *   takes any row no daily partition covers, so an insert never fails.
 * - The existing table is not copied: it is attached as the partition `workflow_executions_legacy`
 *   for every id up to the end of today (one validation scan, no rewrite), and drains through the
 *   row-wise retention it had before. Rows with later ids (UUIDs that are not v7) go to the new table.
 *   Its columns are copied generically (`LIKE`), so columns added by earlier migrations come along.
 * - `execution_keys`: the unique keys the table can no longer enforce (a webhook's idempotency keys,
 *   a schedule's due times, a node run's child), each row written in the statement that inserts its
 *   execution. Unkeyed executions write nothing there.
 * - `wfe_uuid_at(t)`: the smallest UUIDv7 of the millisecond `t`, for partition bounds and time filters.
 */
export class PartitionedExecutions1796350000000 implements MigrationInterface {
  name = 'PartitionedExecutions1796350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string, params?: unknown[]) => queryRunner.query(sql, params);
    await q(`
      CREATE FUNCTION wfe_uuid_at(t timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') || '00000000000000000000')::uuid
      $$`);
    await q(
      `CREATE TABLE "execution_keys" ("scope" uuid NOT NULL, "key" text NOT NULL, "kind" text NOT NULL, "executionId" uuid NOT NULL, ` +
        `"createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_execution_keys" PRIMARY KEY ("scope", "key"))`,
    );
    await q(`CREATE INDEX "IDX_execution_keys_created_at" ON "execution_keys" ("createdAt")`);
    await q(`
      INSERT INTO execution_keys (scope, key, kind, "executionId", "createdAt")
      SELECT "webhookId", "idempotencyKey", 'webhook', id, "createdAt" FROM workflow_executions WHERE "idempotencyKey" IS NOT NULL AND "webhookId" IS NOT NULL
      UNION ALL
      SELECT "workflowId", "idempotencyKey", 'schedule', id, "createdAt" FROM workflow_executions WHERE mode = 'schedule' AND "idempotencyKey" IS NOT NULL AND "webhookId" IS NULL
      UNION ALL
      SELECT "parentExecutionId", "parentIndex" || ':' || "parentNode", 'child', id, "createdAt" FROM workflow_executions
       WHERE "parentExecutionId" IS NOT NULL AND "parentNode" IS NOT NULL AND "parentIndex" IS NOT NULL
      ON CONFLICT DO NOTHING`);

    // The old table's own indexes, as they are defined today (whatever earlier migrations added).
    const indexes: Array<{ name: string; def: string }> = await q(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'workflow_executions' AND indexname <> $1`,
      [PK],
    );
    for (const trigger of TRIGGERS) await q(`DROP TRIGGER "${trigger}" ON "workflow_executions"`);
    for (const name of MOVED_UNIQUES) await q(`DROP INDEX "${name}"`);
    await q(`ALTER TABLE "workflow_executions" RENAME TO "workflow_executions_legacy"`);
    await q(`ALTER TABLE "workflow_executions_legacy" RENAME CONSTRAINT "${PK}" TO "workflow_executions_legacy_pkey"`);
    const kept = indexes.filter((index) => !MOVED_UNIQUES.includes(index.name));
    for (const [n, index] of kept.entries()) await q(`ALTER INDEX "${index.name}" RENAME TO "workflow_executions_legacy_idx${n}"`);

    await q(`CREATE TABLE "workflow_executions" (LIKE "workflow_executions_legacy" INCLUDING DEFAULTS) PARTITION BY RANGE ("id")`);
    await q(`ALTER TABLE "workflow_executions" ADD CONSTRAINT "${PK}" PRIMARY KEY ("id")`);
    // Captured before the rename, these name the new table; the legacy table's equal indexes are attached, not rebuilt.
    for (const index of kept) await q(index.def);
    await q(
      `CREATE INDEX "IDX_executions_parent_node_run" ON "workflow_executions" ("parentExecutionId", "parentNode", "parentIndex") WHERE "parentExecutionId" IS NOT NULL`,
    );
    await q(`CREATE INDEX "IDX_executions_keyed_completed_at" ON "workflow_executions" ("completedAt") WHERE "idempotencyKey" IS NOT NULL`);

    // Rows whose ids lie past today (not UUIDv7) wait aside, then go through the new table's routing.
    const [{ bound }] = await q(`SELECT wfe_uuid_at(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day') AS bound`);
    await q(`CREATE TEMP TABLE wfe_moved_executions (LIKE "workflow_executions_legacy")`);
    await q(`WITH moved AS (DELETE FROM "workflow_executions_legacy" WHERE id >= $1 RETURNING *) INSERT INTO wfe_moved_executions SELECT * FROM moved`, [bound]);
    const [{ any }] = await q(`SELECT EXISTS (SELECT 1 FROM "workflow_executions_legacy") AS any`);
    if (any) {
      await q(`ALTER TABLE "workflow_executions" ATTACH PARTITION "workflow_executions_legacy" FOR VALUES FROM (MINVALUE) TO ('${bound}')`);
    } else {
      await q(`DROP TABLE "workflow_executions_legacy"`);
    }
    await q(`CREATE TABLE "workflow_executions_default" PARTITION OF "workflow_executions" DEFAULT`);
    await q(`INSERT INTO "workflow_executions" SELECT * FROM wfe_moved_executions`);
    await q(`DROP TABLE wfe_moved_executions`);

    // Triggers last: moving rows above must not queue their failures a second time.
    await createTriggers(queryRunner);
  }

  /** Back to one table: every row copied into it, the unique indexes and triggers restored. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string, params?: unknown[]) => queryRunner.query(sql, params);
    const indexes: Array<{ name: string; def: string }> = await q(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'workflow_executions' AND indexname <> $1`,
      [PK],
    );
    await q(`CREATE TABLE "workflow_executions_flat" (LIKE "workflow_executions" INCLUDING DEFAULTS)`);
    await q(`INSERT INTO "workflow_executions_flat" SELECT * FROM "workflow_executions"`);
    await q(`DROP TABLE "workflow_executions"`);
    await q(`ALTER TABLE "workflow_executions_flat" RENAME TO "workflow_executions"`);
    await q(`ALTER TABLE "workflow_executions" ADD CONSTRAINT "${PK}" PRIMARY KEY ("id")`);
    for (const index of indexes) {
      if (index.name === 'IDX_executions_parent_node_run' || index.name === 'IDX_executions_keyed_completed_at') continue;
      await q(index.def.replace(' ON ONLY ', ' ON '));
    }
    await q(`CREATE UNIQUE INDEX "UQ_executions_webhook_idempotency" ON "workflow_executions" ("webhookId", "idempotencyKey") WHERE "idempotencyKey" IS NOT NULL`);
    await q(
      `CREATE UNIQUE INDEX "UQ_executions_schedule_idempotency" ON "workflow_executions" ("workflowId", "idempotencyKey") WHERE "mode" = 'schedule' AND "idempotencyKey" IS NOT NULL`,
    );
    await q(
      `CREATE UNIQUE INDEX "UQ_executions_parent_node_run" ON "workflow_executions" ("parentExecutionId", "parentNode", "parentIndex") WHERE "parentExecutionId" IS NOT NULL`,
    );
    await createTriggers(queryRunner);
    await q(`DROP TABLE "execution_keys"`);
    await q(`DROP FUNCTION wfe_uuid_at(timestamptz)`);
  }
}

/** The error-workflow outbox and child-ended triggers (migrations FailureHandling, Subworkflows), on whichever table is workflow_executions now. */
async function createTriggers(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TRIGGER "TRG_executions_failed_insert" AFTER INSERT ON "workflow_executions"
      FOR EACH ROW WHEN (NEW.status = 'FAILED' AND NEW.mode <> 'error') EXECUTE FUNCTION wfe_execution_failed()`);
  await queryRunner.query(`
    CREATE TRIGGER "TRG_executions_failed_update" AFTER UPDATE OF status ON "workflow_executions"
      FOR EACH ROW WHEN (NEW.status = 'FAILED' AND OLD.status <> 'FAILED' AND NEW.mode <> 'error') EXECUTE FUNCTION wfe_execution_failed()`);
  await queryRunner.query(`
    CREATE TRIGGER "TRG_executions_child_ended" AFTER UPDATE OF status ON "workflow_executions"
      FOR EACH ROW WHEN (NEW."parentWaits" AND NEW.status IN ('COMPLETED', 'FAILED', 'CANCELED') AND OLD.status <> NEW.status) EXECUTE FUNCTION wfe_child_ended()`);
}
