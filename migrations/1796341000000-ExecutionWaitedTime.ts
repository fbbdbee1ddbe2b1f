import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time spent WAITING does not count toward an execution's timeout (docs/lists-and-subworkflows.md,
 * docs/nodes.md `wait`): `waitingSince` is set when a run parks (at a wait node or on a child), and
 * the claim that continues it adds the time since to `waitedMs`, which the engine subtracts from
 * the time since `startedAt`.
 */
export class ExecutionWaitedTime1796341000000 implements MigrationInterface {
  name = 'ExecutionWaitedTime1796341000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "waitingSince" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" ADD "waitedMs" bigint NOT NULL DEFAULT 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "waitedMs"`);
    await queryRunner.query(`ALTER TABLE "workflow_executions" DROP COLUMN "waitingSince"`);
  }
}
