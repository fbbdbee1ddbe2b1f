import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sub-workflows (docs/lists-and-subworkflows.md, executeWorkflow):
 * - `parentExecutionId`, `parentNode`, `parentIndex` (the forEach element, 0 for a node that runs
 *   once): a unique index on the three makes a node run's child single, whoever creates it again
 *   (a recovered parent finds its child instead of starting a second one); it also answers
 *   "the children of this execution".
 * - `parentWaits`: the parent waits for this child (waitForCompletion): its end resumes the parent
 *   and cancelling the parent cancels it. Fire-and-forget children are independent.
 * - `depth`: how many parents above (docs/lists-and-subworkflows.md: at most 10 executions in a chain).
 * - `childEnded` and a trigger: a waited-for child's committed end (whichever statement writes it)
 *   marks its parent, and when the parent is already WAITING at that node sets its `waitTill` to now,
 *   so the parent is due at once and any process claims it. A parent still RUNNING (the child ended
 *   before the parent parked) keeps the mark, and ExecutionsRepository.suspend parks it due at once:
 *   both statements lock the parent's row, so one of them always sees the other's write.
 */
export class Subworkflows1796330000000 implements MigrationInterface {
  name = 'Subworkflows1796330000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "parentExecutionId" uuid`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "parentNode" text`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "parentIndex" integer`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "parentWaits" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "depth" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "childEnded" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_executions_parent_node_run" ON "workflow_executions" ("parentExecutionId", "parentNode", "parentIndex") WHERE "parentExecutionId" IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE FUNCTION wfe_child_ended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE workflow_executions
           SET "childEnded" = true,
               "waitTill" = CASE WHEN status = 'WAITING' AND "waitNode" = NEW."parentNode" THEN now() ELSE "waitTill" END
         WHERE id = NEW."parentExecutionId" AND status IN ('RUNNING', 'WAITING');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER "TRG_executions_child_ended" AFTER UPDATE OF status ON "workflow_executions"
        FOR EACH ROW WHEN (NEW."parentWaits" AND NEW.status IN ('COMPLETED', 'FAILED', 'CANCELED') AND OLD.status <> NEW.status) EXECUTE FUNCTION wfe_child_ended()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "TRG_executions_child_ended" ON "workflow_executions"`);
    await queryRunner.query(`DROP FUNCTION wfe_child_ended()`);
    await queryRunner.query(`DROP INDEX "public"."UQ_executions_parent_node_run"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "childEnded"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "depth"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "parentWaits"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "parentIndex"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "parentNode"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "parentExecutionId"`);
  }
}
