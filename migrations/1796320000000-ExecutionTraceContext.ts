import { MigrationInterface, QueryRunner } from "typeorm";

export class ExecutionTraceContext1796320000000 implements MigrationInterface {
    name = 'ExecutionTraceContext1796320000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "traceContext" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "traceContext"`);
    }

}
