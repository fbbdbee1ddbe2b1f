import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { idAtTime } from '../../common/uuid.js';
import { DAY_MS, DEFAULT_PARTITION, TRY_LOCK, type DailyPartition } from './execution-partitions.repository.js';

/** `2026-12-03` for the UTC day that starts at `day` (ms). */
export function isoDay(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}

/** The summarized days among [fromDay, toDay] (UTC day starts, ms), oldest first. */
export async function summarizedDays(dataSource: DataSource, fromDay: number, toDay: number): Promise<number[]> {
  const rows: Array<{ day: string }> = await dataSource.query(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM execution_summarized_days WHERE day >= $1::date AND day <= $2::date ORDER BY day`,
    [isoDay(fromDay), isoDay(toDay)],
  );
  return rows.map((row) => Date.parse(`${row.day}T00:00:00Z`));
}

/**
 * Per-day summaries of closed days (migration ExecutionDaySummaries, docs/retention-and-sizing.md):
 * for each workflow and status, how many executions the day made and their summed sizeBytes.
 *
 * A day is summarized once its daily partition holds only ended executions: no statement changes an
 * ended execution (every status change starts from PENDING, RUNNING or WAITING), and no new one gets
 * an id of a day that ended longer ago than the clock slack the caller waits for, so the summary stays
 * exact until retention drops the partition, which deletes it in the same transaction
 * (ExecutionPartitionsRepository.dropExpired). Summarizing holds the partitions' advisory lock, so no
 * drop runs beside it and replicas do not summarize a day twice.
 */
@Injectable()
export class DaySummariesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async summarizedDays(fromDay: number, toDay: number): Promise<Set<number>> {
    return new Set(await summarizedDays(this.dataSource, fromDay, toDay));
  }

  /**
   * Summarizes one daily partition: one pass over its (workflowId, status, id) INCLUDE (sizeBytes)
   * index. Answers false, leaving it for a later pass, while an execution of the day has not ended
   * (found through IDX_executions_status_id), while a row of the day sits in the default partition,
   * when the partition is gone or already summarized, and when another replica holds the lock.
   */
  summarize(partition: DailyPartition): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(TRY_LOCK);
      if (!locked) return false;
      const day = isoDay(partition.day);
      const [{ ready }]: Array<{ ready: boolean }> = await manager.query(
        `SELECT to_regclass($1) IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM execution_summarized_days WHERE day = $2::date)
            AND NOT EXISTS (SELECT 1 FROM "${DEFAULT_PARTITION}" WHERE id >= $3 AND id < $4) AS ready`,
        [`"${partition.name}"`, day, idAtTime(partition.day), idAtTime(partition.day + DAY_MS)],
      );
      if (!ready) return false;
      const [{ open }]: Array<{ open: boolean }> = await manager.query(
        `SELECT EXISTS (SELECT 1 FROM "${partition.name}" WHERE status IN ('PENDING', 'RUNNING', 'WAITING')) AS open`,
      );
      if (open) return false;
      await manager.query('INSERT INTO execution_summarized_days (day) VALUES ($1::date)', [day]);
      await manager.query(
        `INSERT INTO execution_day_summaries (day, "workflowId", status, count, "sizeBytes")
         SELECT $1::date, "workflowId", status, count(*), COALESCE(sum("sizeBytes"), 0) FROM "${partition.name}" GROUP BY "workflowId", status`,
        [day],
      );
      return true;
    });
  }
}
