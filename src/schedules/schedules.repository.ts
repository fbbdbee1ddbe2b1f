import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { unwrapUpdate } from '../database/prepared-statements.js';
import { sizeBytesSql } from '../executions/execution-size.js';
import type { ExecutionStatus, ScheduleTriggerData } from '../executions/execution.types.js';
import { ExecutionsRepository } from '../executions/executions.repository.js';
import type { WorkflowSettings } from '../workflows/workflow.types.js';
import type { TimetableSpec } from './timetable.js';

/** A workflow_schedules row as the code reads it. */
export interface ScheduleRow {
  workflowId: string;
  timetable: TimetableSpec;
  anchorAt: Date;
  nextDueAt: Date | null;
  lastScheduledFor: Date | null;
  lastExecutionId: string | null;
  bufferedExecutionId: string | null;
  skipped: number;
}

/** A due row, locked for this transaction, with what a firing needs of its workflow. */
export interface DueSchedule extends ScheduleRow {
  nextDueAt: Date;
  workflowVersion: number;
  ownerId: string;
  settings: WorkflowSettings;
}

/** One execution a firing creates. */
export interface Firing {
  id: string;
  workflowId: string;
  workflowVersion: number;
  userId: string;
  triggerData: ScheduleTriggerData;
  /** The due time, ISO: the idempotency key, unique per workflow. */
  idempotencyKey: string;
  /** bufferOne: the running firing this one waits for. */
  startsAfter: string | null;
  /** The pass's time (the transaction's start); the row's createdAt is the insert's own clock. */
  createdAt: Date;
  /** Set when the workflow has a concurrency limit (docs/concurrency.md). */
  concurrencyKey?: string | null;
}

/** A row's state after a firing pass. */
export interface ScheduleAdvance {
  workflowId: string;
  nextDueAt: Date | null;
  lastScheduledFor: Date | null;
  lastExecutionId: string | null;
  bufferedExecutionId: string | null;
  skippedBy: number;
}

const SCHEDULE_COLUMNS = 's."workflowId", s.timetable, s."anchorAt", s."nextDueAt", s."lastScheduledFor", s."lastExecutionId", s."bufferedExecutionId", s.skipped';

/**
 * Every query on workflow_schedules. Rows are written with the workflow change that affects them
 * (in its transaction, through `forManager`) and claimed by the firing loop with
 * `FOR UPDATE SKIP LOCKED`, so two replicas never work on the same row at once.
 */
@Injectable()
export class SchedulesRepository {
  private readonly manager: EntityManager;

  constructor(dataSource: DataSource) {
    this.manager = dataSource.manager;
  }

  /** The same queries inside another repository's transaction. */
  static forManager(manager: EntityManager): SchedulesRepository {
    return new SchedulesRepository({ manager } as DataSource);
  }

  async find(workflowId: string, lock = false): Promise<ScheduleRow | null> {
    const rows: ScheduleRow[] = await this.manager.query(`SELECT ${SCHEDULE_COLUMNS} FROM workflow_schedules s WHERE s."workflowId" = $1${lock ? ' FOR UPDATE' : ''}`, [workflowId]);
    return rows[0] ?? null;
  }

  /** Inserts or replaces the timetable and firing position; `resetSkipped` when the timetable itself changed. */
  async upsert(workflowId: string, timetable: TimetableSpec, anchorAt: Date, nextDueAt: Date | null, resetSkipped: boolean): Promise<void> {
    await this.manager.query(
      `INSERT INTO workflow_schedules ("workflowId", timetable, "anchorAt", "nextDueAt") VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT ("workflowId") DO UPDATE SET timetable = EXCLUDED.timetable, "anchorAt" = EXCLUDED."anchorAt", "nextDueAt" = EXCLUDED."nextDueAt",
         skipped = CASE WHEN $5 THEN 0 ELSE workflow_schedules.skipped END`,
      [workflowId, JSON.stringify(timetable), anchorAt, nextDueAt, resetSkipped],
    );
  }

  /** The database's clock: replicas whose own clocks differ by seconds still agree on it. */
  async now(): Promise<Date> {
    const rows: Array<{ now: Date }> = await this.manager.query('SELECT clock_timestamp() AS now');
    return new Date(rows[0].now);
  }

  async delete(workflowId: string): Promise<void> {
    await this.manager.query('DELETE FROM workflow_schedules WHERE "workflowId" = $1', [workflowId]);
  }

  /**
   * What the firer's idle pass needs, in one statement (it runs twice a second in every replica):
   * milliseconds until the earliest due time (negative when one is overdue), by the database's
   * clock so that replicas with skewed clocks agree, null when no schedule is active; and whether
   * any schedule holds a buffered firing (releasableBuffered has work only then). Each is one
   * lookup in a partial index.
   */
  async pollState(): Promise<{ msUntilNextDue: number | null; buffered: boolean }> {
    const rows: Array<{ ms: number | null; buffered: boolean }> = await this.manager.query(
      `SELECT (SELECT (EXTRACT(EPOCH FROM (min("nextDueAt") - clock_timestamp())) * 1000)::float8 FROM workflow_schedules WHERE "nextDueAt" IS NOT NULL) AS ms,
              EXISTS (SELECT 1 FROM workflow_schedules WHERE "bufferedExecutionId" IS NOT NULL) AS buffered`,
    );
    return { msUntilNextDue: rows[0]?.ms ?? null, buffered: rows[0]?.buffered === true };
  }

  /**
   * In one transaction: locks up to `limit` due rows other replicas are not working on, lets
   * `plan` decide the firings and the rows' new state, inserts the firings and advances the rows.
   * Answers the executions that were created. A due time fires once because its row is locked
   * while it advances, and because (workflowId, idempotencyKey = due time) is a unique key (execution_keys)
   * should anything else ever try again.
   */
  claimDue(
    limit: number,
    plan: (due: DueSchedule[], now: Date, statuses: Map<string, ExecutionStatus>) => Promise<{ firings: Firing[]; advances: ScheduleAdvance[] }>,
  ): Promise<{ created: Firing[]; due: DueSchedule[]; advances: ScheduleAdvance[] }> {
    return this.manager.transaction(async (manager) => {
      // Read-only join of workflows (WorkflowsRepository's): the version, owner and settings a firing
      // runs with are those current when its schedule row is locked, in the same statement.
      const due: Array<DueSchedule & { now: Date }> = await manager.query(
        `SELECT ${SCHEDULE_COLUMNS}, w.version AS "workflowVersion", w."ownerId", w.settings, now() AS now
           FROM workflow_schedules s JOIN workflows w ON w.id = s."workflowId"
          WHERE s."nextDueAt" <= now()
          ORDER BY s."nextDueAt" LIMIT $1
          FOR UPDATE OF s SKIP LOCKED`,
        [limit],
      );
      if (!due.length) return { created: [], due: [], advances: [] };
      const ids = due.flatMap((row) => [row.lastExecutionId, row.bufferedExecutionId]).filter((id): id is string => id !== null);
      const statuses = await ExecutionsRepository.statusesIn(manager, ids);
      const { firings, advances } = await plan(due, new Date(due[0].now), statuses);
      let created: Firing[] = [];
      if (firings.length) {
        const inserted: Array<{ id: string }> = await manager.query(
          `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, wf uuid, ver int, usr uuid, trigger jsonb, ikey text, after uuid, ckey text)),
                k AS (INSERT INTO execution_keys (scope, key, kind, "executionId")
                      SELECT v.wf, v.ikey, 'schedule', v.id FROM v WHERE v.ikey IS NOT NULL
                      ON CONFLICT DO NOTHING RETURNING "executionId")
           INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "triggerData", "idempotencyKey", "startsAfter", "createdAt", "concurrencyKey", "sizeBytes")
           SELECT v.id, v.wf, v.ver, v.usr, 'schedule', 'PENDING', v.trigger, v.ikey, v.after, clock_timestamp(), v.ckey, ${sizeBytesSql({ trigger: 'v.trigger', nodes: "'[]'::jsonb" })}
             FROM v WHERE v.ikey IS NULL OR v.id IN (SELECT "executionId" FROM k)
           RETURNING id`,
          [JSON.stringify(firings.map((f) => ({ id: f.id, wf: f.workflowId, ver: f.workflowVersion, usr: f.userId, trigger: f.triggerData, ikey: f.idempotencyKey, after: f.startsAfter, ckey: f.concurrencyKey ?? null })))],
        );
        const ok = new Set(inserted.map((row) => row.id));
        created = firings.filter((firing) => ok.has(firing.id));
        // A due time already fired (it cannot happen while the row is locked; the unique index says
        // so if it ever does): the row must not point at an execution that does not exist.
        for (const advance of advances) {
          if (advance.lastExecutionId && firings.some((f) => f.id === advance.lastExecutionId) && !ok.has(advance.lastExecutionId)) advance.lastExecutionId = null;
          if (advance.bufferedExecutionId && firings.some((f) => f.id === advance.bufferedExecutionId) && !ok.has(advance.bufferedExecutionId)) advance.bufferedExecutionId = null;
        }
      }
      await manager.query(
        `UPDATE workflow_schedules s
            SET "nextDueAt" = v.next, "lastScheduledFor" = v.last, "lastExecutionId" = v.exec, "bufferedExecutionId" = v.buffered, skipped = s.skipped + v.skipped
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, next timestamptz, last timestamptz, exec uuid, buffered uuid, skipped int)
          WHERE s."workflowId" = v.id`,
        [
          JSON.stringify(
            advances.map((a) => ({ id: a.workflowId, next: a.nextDueAt, last: a.lastScheduledFor, exec: a.lastExecutionId, buffered: a.bufferedExecutionId, skipped: a.skippedBy })),
          ),
        ],
      );
      return { created, due, advances };
    });
  }

  /**
   * Buffered firings (bufferOne) whose predecessor has ended: they can be claimed now, and are
   * handed to the queue at once rather than waiting for the recovery sweep. The partial index
   * keeps this to the few rows that have one. It reads workflow_executions and workflows (owned by
   * ExecutionsRepository and WorkflowsRepository) in a read-only join: the schedule row leads to
   * the execution, and asking the owners row by row would be a query per buffered firing every pass.
   */
  async releasableBuffered(): Promise<Array<{ id: string; workflowId: string; concurrencyKey: string | null }>> {
    const rows: Array<{ id: string; workflowId: string; concurrencyKey: string | null }> = unwrapUpdate(
      await this.manager.query(
        `SELECT b.id, b."workflowId", b."concurrencyKey"
           FROM workflow_schedules s
           JOIN workflow_executions b ON b.id = s."bufferedExecutionId" AND b.status = 'PENDING'
           JOIN workflows w ON w.id = s."workflowId"
          WHERE s."bufferedExecutionId" IS NOT NULL
            AND NOT wfe_execution_unfinished(b."startsAfter")`,
      ),
    );
    return rows;
  }
}
