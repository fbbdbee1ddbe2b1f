import { MigrationInterface, QueryRunner } from "typeorm";

export class ExecutionRetentionIndex1795769076173 implements MigrationInterface {
    name = 'ExecutionRetentionIndex1795769076173'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "IDX_executions_completed_at" ON "workflow_executions"  ("completedAt") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."IDX_executions_completed_at"`);
    }

}
