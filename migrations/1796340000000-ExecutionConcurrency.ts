import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Concurrency limits that hold database-wide (docs/concurrency.md): each limited execution stores the
 * key it counts under, and a partial index holds only the PENDING and RUNNING rows of limited
 * executions, so counting the RUNNING ones of a key and finding its oldest PENDING one read a few
 * index entries; executions without a limit (key null) never enter it.
 */
export class ExecutionConcurrency1796340000000 implements MigrationInterface {
    name = 'ExecutionConcurrency1796340000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "concurrencyKey" text`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_concurrency" ON "workflow_executions"  ("workflowId", "concurrencyKey", "status", "id") WHERE "concurrencyKey" IS NOT NULL AND "status" IN ('PENDING', 'RUNNING')`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_concurrency"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "concurrencyKey"`);
    }

}
