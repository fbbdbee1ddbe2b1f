import { MigrationInterface, QueryRunner } from "typeorm";

export class ExecutionWaiting1795768829585 implements MigrationInterface {
    name = 'ExecutionWaiting1795768829585'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "waitNode" text`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "waitTill" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "resumeData" jsonb`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "webhookResponse" jsonb`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_wait_till" ON "workflow_executions"  ("waitTill") WHERE "status" = 'WAITING'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_wait_till"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "webhookResponse"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "resumeData"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "waitTill"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "waitNode"`);
    }

}
