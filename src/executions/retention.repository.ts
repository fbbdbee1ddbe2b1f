import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The row-wise deletes of the retention pass (docs/retention-and-sizing.md); daily partitions are dropped whole instead. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Deletes at most `limit` ended executions of one partition that is not a daily one (the default
   * partition, the legacy one) that completed before the cutoff; rows with an idempotency key use
   * the longer `keyedRetentionDays`. SKIP LOCKED lets replicas run passes at the same time without
   * waiting on each other, and a small batch keeps every lock short. Found through
   * IDX_executions_completed_at. Returns how many rows went.
   */
  async deleteEnded(partition: string, retentionDays: number, keyedRetentionDays: number, limit: number): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(
        `DELETE FROM "${partition}" WHERE id IN (
           SELECT id FROM "${partition}"
            WHERE "completedAt" < now() - make_interval(days => $1)
              AND status IN ('COMPLETED', 'FAILED', 'CANCELED')
              AND ("idempotencyKey" IS NULL OR "completedAt" < now() - make_interval(days => $2))
            LIMIT $3
            FOR UPDATE SKIP LOCKED)`,
        [retentionDays, keyedRetentionDays, limit],
        true,
      );
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  /**
   * Deletes at most `limit` unique keys (execution_keys) older than `keyedRetentionDays`; a child's
   * key stays while its parent has not ended, since the parent may run that node again. Through
   * IDX_execution_keys_created_at. Returns how many went.
   */
  async deleteKeys(keyedRetentionDays: number, limit: number): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(
        `DELETE FROM execution_keys WHERE (scope, key) IN (
           SELECT k.scope, k.key FROM execution_keys k
            WHERE k."createdAt" < now() - make_interval(days => $1)
              AND (k.kind <> 'child'
                   OR NOT EXISTS (SELECT 1 FROM workflow_executions p WHERE p.id = k.scope AND p.status IN ('PENDING', 'RUNNING', 'WAITING')))
            LIMIT $2
            FOR UPDATE SKIP LOCKED)`,
        [keyedRetentionDays, limit],
        true,
      );
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}
