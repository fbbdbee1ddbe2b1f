import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { idAtTime } from '../../common/uuid.js';

export const DAY_MS = 86_400_000;
const PARENT = 'workflow_executions';
export const DEFAULT_PARTITION = 'workflow_executions_default';
const DAILY_PREFIX = 'workflow_executions_p';
/** Any constant shared by every replica; 'wfe_part' in ASCII. Creating and dropping partitions take it. */
const PARTITIONS_LOCK_KEY = 0x7766655f70617274n;
/**
 * Written without parameters, as the catalog query below: a statement without parameters goes as one
 * protocol message, which the embedded PGlite's socket server cannot interleave with another
 * connection's (it handles each message apart), and these run as replicas start.
 */
export const TRY_LOCK = `SELECT pg_try_advisory_xact_lock(${PARTITIONS_LOCK_KEY}) AS locked`;
/** A retention pass gives up on a partition (until the next pass) rather than queue every query behind its lock. */
const LOCK_TIMEOUT = '2s';

/** A daily partition: the executions whose id (UUIDv7) was made that UTC day. */
export interface DailyPartition {
  name: string;
  /** Start of the UTC day, ms. */
  day: number;
}

/** What a retention pass did to one daily partition. */
export interface DroppedPartition extends DailyPartition {
  /** Executions that had not ended, moved to the default partition first. */
  moved: number;
}

/** `workflow_executions_p20261203` for the UTC day that starts at `day`. */
export function partitionName(day: number): string {
  return DAILY_PREFIX + new Date(day).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The UTC day, `2026-12-03`, of a daily partition's name. */
function dayOf(name: string): string {
  return name.slice(DAILY_PREFIX.length).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The partitions of workflow_executions (migration PartitionedExecutions, docs/retention-and-sizing.md):
 * one per UTC day, ranges of ids; `workflow_executions_default` for any id no day covers; and,
 * after migrating a table that had rows, `workflow_executions_legacy` for every id up to that day.
 * Creating and dropping hold a transaction-level advisory lock, so replicas do not race.
 */
@Injectable()
export class ExecutionPartitionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every partition's name, with its upper id bound when it has one (not the default). */
  async list(manager: EntityManager = this.dataSource.manager): Promise<Array<{ name: string; upper: string | null }>> {
    const rows: Array<{ name: string; bound: string }> = await manager.query(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '${PARENT}'::regclass ORDER BY c.relname`,
    );
    return rows.map((row) => ({ name: row.name, upper: /TO \('([0-9a-f-]{36})'\)/.exec(row.bound)?.[1] ?? null }));
  }

  async dailyPartitions(): Promise<DailyPartition[]> {
    return (await this.list()).flatMap(({ name }) => {
      const match = /^workflow_executions_p(\d{4})(\d{2})(\d{2})$/.exec(name);
      return match ? [{ name, day: Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) }] : [];
    });
  }

  /**
   * Creates the daily partitions of `days` UTC days from the one holding `from`, those that do not
   * exist yet; days the legacy partition covers are skipped. Rows the default partition holds for a
   * new day move into it. Answers the partitions created, or null when another replica holds the lock.
   */
  async ensureDays(from: number, days: number): Promise<string[] | null> {
    const wanted = Array.from({ length: days }, (_, i) => partitionName(startOfUtcDay(from) + i * DAY_MS));
    const present = new Set((await this.list()).map((p) => p.name));
    // The usual case, every replica every hour: nothing is missing, one catalog query and no lock.
    if (wanted.every((name) => present.has(name))) return [];
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(TRY_LOCK);
      if (!locked) return null;
      const existing = await this.list(manager);
      const names = new Set(existing.map((p) => p.name));
      const legacyUpper = existing.find((p) => p.name === 'workflow_executions_legacy')?.upper ?? null;
      const created: string[] = [];
      for (let i = 0; i < days; i++) {
        const day = startOfUtcDay(from) + i * DAY_MS;
        const name = partitionName(day);
        const [lower, upper] = [idAtTime(day), idAtTime(day + DAY_MS)];
        if (names.has(name) || (legacyUpper !== null && lower < legacyUpper)) continue;
        // Created apart and attached: ATTACH locks the table less than CREATE … PARTITION OF, and the
        // partitioned indexes and triggers are added to it on attach.
        await manager.query(`CREATE TABLE "${name}" (LIKE "${PARENT}" INCLUDING DEFAULTS)`);
        await manager.query(
          `WITH moved AS (DELETE FROM "${DEFAULT_PARTITION}" WHERE id >= $1 AND id < $2 RETURNING *) INSERT INTO "${name}" SELECT * FROM moved`,
          [lower, upper],
        );
        await manager.query(`ALTER TABLE "${PARENT}" ATTACH PARTITION "${name}" FOR VALUES FROM ('${lower}') TO ('${upper}')`);
        created.push(name);
      }
      return created;
    });
  }

  /**
   * Whether every ended execution of the partition is past its retention: completed before `cutoff`,
   * and keyed ones before `keyedCutoff`. Two index lookups (IDX_executions_completed_at,
   * IDX_executions_keyed_completed_at), no scan; executions that have not ended do not count.
   */
  async isExpired(name: string, cutoff: Date, keyedCutoff: Date, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [row]: Array<{ expired: boolean }> = await manager.query(
      `SELECT COALESCE((SELECT max("completedAt") FROM "${name}") < $1, true)
          AND COALESCE((SELECT max("completedAt") FROM "${name}" WHERE "idempotencyKey" IS NOT NULL) < $2, true) AS expired`,
      [cutoff, keyedCutoff],
    );
    return row.expired;
  }

  /**
   * Removes a daily partition whose every ended execution is past retention: detached (which waits
   * for the queries using it), checked again now that nothing can write to it, its executions that
   * have not ended moved to the default partition (found through IDX_executions_status_id), dropped.
   * One transaction: a failure leaves the partition as it was. Answers how many rows moved, or null
   * when it was kept (another replica holds the lock, a lock was not granted in time, or a row
   * completed since the first check).
   */
  dropExpired(name: string, cutoff: Date, keyedCutoff: Date): Promise<number | null> {
    return this.dataSource
      .transaction(async (manager) => {
        const [{ locked }] = await manager.query(TRY_LOCK);
        if (!locked) return null;
        await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        await manager.query(`ALTER TABLE "${PARENT}" DETACH PARTITION "${name}"`);
        if (!(await this.isExpired(name, cutoff, keyedCutoff, manager))) throw new Kept();
        // No trigger fires: a row that has not ended is not FAILED, and the insert queues nothing.
        const moved: unknown[] = await manager.query(
          `INSERT INTO "${PARENT}" SELECT * FROM "${name}" WHERE status IN ('PENDING', 'RUNNING', 'WAITING') RETURNING id`,
        );
        await manager.query(`DROP TABLE "${name}"`);
        // Its summary (day-summaries.repository.ts) goes with it: those executions are gone.
        await manager.query('DELETE FROM execution_summarized_days WHERE day = $1::date', [dayOf(name)]);
        return moved.length;
      })
      .catch((error: unknown) => {
        if (error instanceof Kept || isLockTimeout(error)) return null;
        throw error;
      });
  }

  /** Table and index bytes of workflow_executions, all partitions together. */
  async totalBytes(): Promise<{ table: number; indexes: number }> {
    const [row]: Array<{ table: string; indexes: string }> = await this.dataSource.query(
      `SELECT COALESCE(sum(pg_table_size(i.inhrelid)), 0) AS table, COALESCE(sum(pg_indexes_size(i.inhrelid)), 0) AS indexes
         FROM pg_inherits i WHERE i.inhparent = $1::regclass`,
      [PARENT],
    );
    return { table: Number(row.table), indexes: Number(row.indexes) };
  }
}

/** The partition changed between the check and the detach: it stays, the transaction is undone. */
class Kept extends Error {}

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string }).code === '55P03';
}
