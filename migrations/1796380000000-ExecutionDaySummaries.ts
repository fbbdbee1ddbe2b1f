import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-day summaries of closed days (docs/retention-and-sizing.md), which GET /executions/stats reads
 * instead of a day's index entries:
 * - `execution_summarized_days`: the UTC days summarized. A day is summarized once its daily
 *   partition holds only ended executions, which no statement changes any more; a day without
 *   executions is summarized too (and has no rows below).
 * - `execution_day_summaries`: for each summarized day, workflow and status, the executions' count
 *   and summed `sizeBytes`.
 * Dropping a day's partition deletes its summary in the same transaction. Neither table is written
 * on the ingest path.
 */
export class ExecutionDaySummaries1796380000000 implements MigrationInterface {
  name = 'ExecutionDaySummaries1796380000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "execution_summarized_days" ("day" date PRIMARY KEY, "summarizedAt" timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(
      `CREATE TABLE "execution_day_summaries" (
         "day" date NOT NULL REFERENCES "execution_summarized_days" ("day") ON DELETE CASCADE,
         "workflowId" uuid NOT NULL,
         "status" varchar NOT NULL,
         "count" bigint NOT NULL,
         "sizeBytes" bigint NOT NULL,
         PRIMARY KEY ("day", "workflowId", "status"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "execution_day_summaries"`);
    await queryRunner.query(`DROP TABLE "execution_summarized_days"`);
  }
}
