import { MigrationInterface, QueryRunner } from "typeorm";

export class ExecutionLostRuns1796299771187 implements MigrationInterface {
    name = 'ExecutionLostRuns1796299771187'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "lostRuns" integer NOT NULL DEFAULT '0'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "lostRuns"`);
    }

}
