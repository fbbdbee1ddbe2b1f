import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The deletes of the retention pass (docs/executions.md). */
@Injectable()
export class RetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Deletes at most `limit` ended executions that completed before the cutoff; rows with an
   * idempotency key use the longer `keyedRetentionDays`. SKIP LOCKED lets replicas run passes at the
   * same time without waiting on each other, and a small batch keeps every lock short. Found through
   * IDX_executions_completed_at. Returns how many rows went.
   */
  async deleteEnded(retentionDays: number, keyedRetentionDays: number, limit: number): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(
        `DELETE FROM workflow_executions WHERE id IN (
           SELECT id FROM workflow_executions
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
}
