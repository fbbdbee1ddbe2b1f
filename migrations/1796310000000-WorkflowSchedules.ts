import { MigrationInterface, QueryRunner } from "typeorm";

export class WorkflowSchedules1796310000000 implements MigrationInterface {
    name = 'WorkflowSchedules1796310000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "workflow_schedules" ("workflowId" uuid NOT NULL, "timetable" jsonb NOT NULL, "anchorAt" TIMESTAMP WITH TIME ZONE NOT NULL, "nextDueAt" TIMESTAMP WITH TIME ZONE, "lastScheduledFor" TIMESTAMP WITH TIME ZONE, "lastExecutionId" uuid, "bufferedExecutionId" uuid, "skipped" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_0696f722f0fc9e5731bbb5bfc10" PRIMARY KEY ("workflowId"))`);
        await queryRunner.query(`CREATE INDEX "IDX_workflow_schedules_buffered" ON "workflow_schedules"  ("bufferedExecutionId") WHERE "bufferedExecutionId" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "IDX_workflow_schedules_next_due" ON "workflow_schedules"  ("nextDueAt") WHERE "nextDueAt" IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "startsAfter" uuid`);
        await queryRunner.query(`CREATE UNIQUE INDEX "UQ_executions_schedule_idempotency" ON "workflow_executions"  ("workflowId", "idempotencyKey") WHERE "mode" = 'schedule' AND "idempotencyKey" IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "workflow_schedules" ADD CONSTRAINT "FK_0696f722f0fc9e5731bbb5bfc10" FOREIGN KEY ("workflowId") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_schedules" DROP CONSTRAINT "FK_0696f722f0fc9e5731bbb5bfc10"`);
        await queryRunner.query(`DROP INDEX "public"."UQ_executions_schedule_idempotency"`);
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "startsAfter"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_workflow_schedules_next_due"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_workflow_schedules_buffered"`);
        await queryRunner.query(`DROP TABLE "workflow_schedules"`);
    }

}
