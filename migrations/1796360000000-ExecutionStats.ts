import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Execution sizes and stats (docs/retention-and-sizing.md):
 * - `sizeBytes`: what the execution's trigger data, node records, webhook answer and error take as
 *   stored, written by every statement that writes them (pg_column_size reads a value's length
 *   header, no scan). Added without a default, so no partition is rewritten; executions stored
 *   before have null (they count as 0 in the stats).
 * - `IDX_executions_workflow_status_id` (workflowId, status, id) INCLUDE (sizeBytes): GET
 *   /executions/stats for a workflow is an index-only scan over its id (time) range, and the
 *   list's status filter for a workflow a probe of it instead of a walk of (workflowId, id) that
 *   skips every row of another status. On the partitioned table it is built on every partition
 *   (and each new daily partition gets it when attached); on a large table the build takes a while.
 */
export class ExecutionStats1796360000000 implements MigrationInterface {
  name = 'ExecutionStats1796360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD COLUMN "sizeBytes" integer`);
    await queryRunner.query(`CREATE INDEX "IDX_executions_workflow_status_id" ON "workflow_executions" ("workflowId", "status", "id") INCLUDE ("sizeBytes")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_executions_workflow_status_id"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "sizeBytes"`);
  }
}
