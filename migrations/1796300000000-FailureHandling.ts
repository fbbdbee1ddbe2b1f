import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Error workflows and bulk retry (docs/executions.md):
 * - `instance_settings`: one row of instance-wide settings (the default error workflow).
 * - `error_workflow_outbox`: one row per FAILED execution, written by a trigger in the very
 *   transaction that stores the FAILED state, whichever statement stores it (the batched final
 *   write, a pure run's insert, an abandoned or unstorable execution). The error workflow relay turns
 *   each row into exactly one `mode: error` execution, deleting the row in the same transaction.
 *   Error executions' own failures write no row: no loops.
 * - an index on `retryOf`, so "has this execution been retried already" is an index probe.
 */
export class FailureHandling1796300000000 implements MigrationInterface {
  name = 'FailureHandling1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "instance_settings" ("id" smallint NOT NULL DEFAULT 1, "defaultErrorWorkflowId" uuid, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_instance_settings_single_row" CHECK ("id" = 1), CONSTRAINT "PK_instance_settings" PRIMARY KEY ("id"))`);
    await queryRunner.query(`INSERT INTO "instance_settings" ("id") VALUES (1)`);
    await queryRunner.query(`CREATE TABLE "error_workflow_outbox" ("executionId" uuid NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_error_workflow_outbox" PRIMARY KEY ("executionId"))`);
    await queryRunner.query(`CREATE INDEX "IDX_executions_retry_of" ON "workflow_executions" ("retryOf") WHERE "retryOf" IS NOT NULL`);
    await queryRunner.query(`
      CREATE FUNCTION wfe_execution_failed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO error_workflow_outbox ("executionId") VALUES (NEW.id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_executions_failed_insert" AFTER INSERT ON "workflow_executions"
        FOR EACH ROW WHEN (NEW.status = 'FAILED' AND NEW.mode <> 'error') EXECUTE FUNCTION wfe_execution_failed()`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_executions_failed_update" AFTER UPDATE OF status ON "workflow_executions"
        FOR EACH ROW WHEN (NEW.status = 'FAILED' AND OLD.status <> 'FAILED' AND NEW.mode <> 'error') EXECUTE FUNCTION wfe_execution_failed()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "TRG_executions_failed_update" ON "workflow_executions"`);
    await queryRunner.query(`DROP TRIGGER "TRG_executions_failed_insert" ON "workflow_executions"`);
    await queryRunner.query(`DROP FUNCTION wfe_execution_failed()`);
    await queryRunner.query(`DROP INDEX "public"."IDX_executions_retry_of"`);
    await queryRunner.query(`DROP TABLE "error_workflow_outbox"`);
    await queryRunner.query(`DROP TABLE "instance_settings"`);
  }
}
