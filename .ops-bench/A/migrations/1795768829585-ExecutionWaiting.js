export class ExecutionWaiting1795768829585 {
    name = 'ExecutionWaiting1795768829585';
    async up(queryRunner) {
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "waitNode" text`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "waitTill" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "resumeData" jsonb`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "webhookResponse" jsonb`);
        await queryRunner.query(`CREATE INDEX "IDX_executions_wait_till" ON "workflow_executions"  ("waitTill") WHERE "status" = 'WAITING'`);
    }
    async down(queryRunner) {
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_wait_till"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "webhookResponse"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "resumeData"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "waitTill"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "waitNode"`);
    }
}
//# sourceMappingURL=1795768829585-ExecutionWaiting.js.map