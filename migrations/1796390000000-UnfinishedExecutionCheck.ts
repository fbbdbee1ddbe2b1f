import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `wfe_execution_unfinished(id)`: whether an execution is still PENDING, RUNNING or WAITING. Every
 * claim (ExecutionsRepository, ConcurrencyRepository) and the schedules' release of buffered
 * firings ask it of a buffered firing's predecessor (`startsAfter`, docs/schedules.md bufferOne).
 * Written inline, that check was a subquery on the partitioned table which the planner planned over
 * every partition, each with its indexes, for every claim, though almost no row has a predecessor:
 * 0.8 ms of the 0.9 ms it took to plan a claim with five partitions (bench/README.md, "Partition
 * pruning of the batch writes"). Behind a PL/pgSQL function, it is
 * planned only when a row has a predecessor to look up.
 */
export class UnfinishedExecutionCheck1796390000000 implements MigrationInterface {
  name = 'UnfinishedExecutionCheck1796390000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION wfe_execution_unfinished(execution uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
      BEGIN
        RETURN EXISTS (SELECT 1 FROM workflow_executions WHERE id = execution AND status IN ('PENDING', 'RUNNING', 'WAITING'));
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION wfe_execution_unfinished(uuid)`);
  }
}
