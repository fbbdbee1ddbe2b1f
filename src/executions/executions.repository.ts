import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { ExecutionEntity } from './execution.entity.js';
import { isoTime } from '../common/iso-time.js';
import { queryPrepared, unwrapUpdate } from '../database/prepared-statements.js';
import { idAtTime, timeOfId } from '../common/uuid.js';
import { canceledRecords } from './canceled-records.js';
import { isoDay, summarizedDays } from './partitions/day-summaries.repository.js';
import { DAY_MS } from './partitions/execution-partitions.repository.js';
import { sizeBytesSql } from './execution-size.js';
import { expandNodeRecords, toJsonb } from './node-records.js';
import { EXECUTION_STATUSES, type ExecutionMode, type ExecutionStatus, type NodeExecution, type ScheduleTriggerData, type TriggerData } from './execution.types.js';

/** Tries of a final-state write that PostgreSQL aborted as a deadlock (completeMany). */
const DEADLOCK_TRIES = 5;

/**
 * A batch in id order, the order every batch write locks its rows in (so that two batches cannot
 * deadlock), with its lowest and highest id for `e.id BETWEEN $2 AND $3` beside the join on the
 * batch document. A join alone lets the planner prune no partition, so every batch planned and
 * opened all of them, each with its indexes (0.35 ms of planning and 0.35 ms of executor start-up
 * per batch with five partitions, against 0.2 and 0.05 ms for the one today's ids fall in:
 * bench/README.md, "Partition pruning of the batch writes"). Ids are compared lower-cased, as
 * PostgreSQL orders uuids, so a bound can never exclude a row of the batch.
 */
function inIdOrder<T extends { id: string }>(unordered: readonly T[]): { rows: T[]; low: string; high: string } {
  const keyed = unordered.map((row) => ({ row, key: row.id.toLowerCase() })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { rows: keyed.map((entry) => entry.row), low: keyed[0].key, high: keyed[keyed.length - 1].key };
}

function isDeadlock(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  return (code ?? driverError?.code) === '40P01';
}

/** What identifies a run: the columns an execution is created with and a worker reads back. */
interface ExecutionIdentity {
  id: string;
  workflowId: string;
  workflowVersion: number;
  webhookId: string | null;
  userId: string;
  mode: ExecutionMode;
  triggerData: TriggerData | ScheduleTriggerData | null;
  /**
   * The W3C `traceparent` of the span that created the execution (the webhook ingest), when tracing
   * is on: whichever process runs it continues that trace (src/tracing/spans.ts).
   */
  traceContext?: string | null;
  /** Set on executions of a workflow with a concurrency limit (docs/concurrency.md); null or absent: none. */
  concurrencyKey?: string | null;
}

export interface NewExecution extends ExecutionIdentity {
  idempotencyKey: string | null;
  retryOf: string | null;
  nodeExecutions?: NodeExecution[];
  createdAt: Date;
  /**
   * The run already happened (a pure workflow, ExecutionEngine.runBeforeCommit): the row is stored
   * in its final state, as completeMany would leave it, instead of PENDING.
   */
  finished?: Pick<FinalState, 'status' | 'nodeExecutionsJson' | 'error' | 'completedAt'> & { startedAt: Date };
  /**
   * Stored already claimed by this process (ExecutionQueue.reserveRun): RUNNING, attempt 1, under
   * its lease from the insert's commit on, as claimMany would leave it. Should the process die, the
   * lease runs out and the sweep takes the execution over like any other lost run.
   * `nodeExecutionsJson`: the records its run commits before its first outside call, stored now
   * instead (ExecutionEngine.firstCallRecords).
   */
  claimedBy?: { owner: string; leaseMs: number; startedAt: Date; nodeExecutionsJson?: string };
}

/** The original execution when an idempotency key was seen before. */
export type InsertResult = { created: true; id: string } | { created: false; id: string; status: ExecutionStatus };

/** An execution as a caller waiting for its end reads it (ExecutionsRepository.findOutcomes). */
export interface ExecutionOutcomeRow {
  id: string;
  status: ExecutionStatus;
  error: string | null;
  webhookResponse: unknown;
  nodeExecutions: NodeExecution[];
}

/** What a worker needs to run an execution it has just claimed. */
export interface ClaimedExecution extends ExecutionIdentity {
  nodeExecutions: NodeExecution[];
  attempt: number;
  /** Takeovers after a lost run, this claim included (ExecutionEntity.lostRuns). */
  lostRuns: number;
  startedAt: Date;
  /** Time spent WAITING so far, this claim's wait included: not counted toward the timeout. */
  waitedMs?: number;
  /** Set when a WAITING execution continues: the wait node, and the resume request if any. */
  waitNode: string | null;
  resumeData: unknown;
  /** A sub-workflow's parent, and whether it waits for this execution (executeWorkflow). */
  parentExecutionId?: string | null;
  parentWaits?: boolean;
  /** Inserted (NewExecution.claimedBy) or claimed (claimMany's `firstCalls`) with the records of its first outside call's progress commit. */
  firstCallCommitted?: boolean;
}

export interface FinalState {
  id: string;
  /**
   * The claim's attempt, which the row must still be RUNNING under. 0: a run without a claim
   * (findUnclaimed): written only while the row is still PENDING and never claimed, as attempt 1.
   */
  attempt: number;
  /** For a run without a claim: when it started (the row has no `startedAt` yet). */
  startedAt?: Date;
  status: Extract<ExecutionStatus, 'COMPLETED' | 'FAILED'>;
  /** Already serialised (and truncated where needed) by the engine. */
  nodeExecutionsJson: string;
  error: string | null;
  completedAt: Date;
  /** JSON of a respondToWebhook answer, or null. */
  webhookResponseJson: string | null;
}

/** Node records committed before an outside effect starts (saveProgressMany). */
export interface ProgressState {
  id: string;
  attempt: number;
  /** Already serialised (and truncated where needed) by the engine. */
  nodeExecutionsJson: string;
  /** JSON of a respondToWebhook answer, or null. */
  webhookResponseJson: string | null;
}

export interface ExecutionFilter {
  /**
   * Only executions this user started or whose workflow this user owns. The one read of `workflows`
   * (WorkflowsRepository's) here: a sub-select inside the page's query, since a list of the user's
   * workflow ids fetched first could be long, and the page must be filtered before its LIMIT.
   */
  visibleTo?: string;
  workflowId?: string;
  status?: ExecutionStatus;
  mode?: ExecutionMode;
  from?: Date;
  to?: Date;
}

/** GET /executions/stats: the executions created in [from, to] (by the time in their id). */
export type StatsFilter = Pick<ExecutionFilter, 'visibleTo' | 'workflowId'> & { from: Date; to: Date };

export interface ExecutionStats {
  byStatus: Record<ExecutionStatus, number>;
  total: number;
  sizeBytes: number;
}

/**
 * How far an execution's createdAt may be from the time in its id (the clock of the process that
 * made the id, or the database's for a schedule's firing): time filters also bound the id by the
 * time range widened by this, which prunes the daily partitions outside it.
 */
export const ID_TIME_SLACK_MS = 3_600_000;
/** How far back from where it starts a page looks before it reads every older partition (list). */
const RECENT_WINDOW_MS = 2 * 86_400_000;

/**
 * claimMany's first-call records for a row (its `firstCalls` parameter, $5), in SET: only for a
 * fresh execution, PENDING, never claimed and without records (a retry may start with some).
 */
const FIRST_CALL_RECORDS = `CASE WHEN status = 'PENDING' AND attempt = 0 AND "nodeExecutions" = '[]'::jsonb
                                THEN $5::jsonb -> ("workflowId"::text || ':' || "workflowVersion") END`;
/**
 * In RETURNING (the row as claimed): whether this claim stored them. Only a first claim (attempt 1)
 * of a fresh row can hold exactly those records, whose times are this claim's own.
 */
const FIRST_CALL_CLAIMED = `(attempt = 1 AND "nodeExecutions" = $5::jsonb -> ("workflowId"::text || ':' || "workflowVersion"))`;

/** insertMany's key rows: the executions whose key was new are the ones inserted. */
const KEYED_INSERT_CTE = `, k AS (
         INSERT INTO execution_keys (scope, key, kind, "executionId", "createdAt")
         SELECT v.hook, v.ikey, 'webhook', v.id, v.created FROM v WHERE v.hook IS NOT NULL AND v.ikey IS NOT NULL
         ON CONFLICT DO NOTHING RETURNING "executionId")`;

const SUMMARY_COLUMNS = ['id', 'workflowId', 'workflowVersion', 'webhookId', 'userId', 'mode', 'status', 'triggerData', 'error', 'retryOf', 'parentExecutionId', 'parentNode', 'concurrencyKey', 'createdAt', 'startedAt', 'completedAt', 'attempt', 'sizeBytes'] as const;

/**
 * Every query on workflow_executions. The hot ones (insert, claim, complete) take batches and are
 * written as single statements (over one JSON document or `unnest` arrays), so N executions cost
 * one round trip.
 */
@Injectable()
export class ExecutionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertMany(rows: NewExecution[]): Promise<InsertResult[]> {
    // One JSON document for the whole batch: V8 writes it natively, and outside data (the trigger's
    // body) is escaped once, not again as array-literal text. toJsonb keeps a NUL in one sender's
    // body from failing the statement for every other row of the batch. A finished run's records
    // are JSON already (serialised, truncated and scrubbed by the engine) and are spliced in as they are.
    const batch = `[${rows.map(insertDocument).join(',')}]`;
    // Only a batch with idempotency keys writes execution_keys (in the same statement, so a key
    // and its execution commit together); the common unkeyed batch is one plain insert.
    const keyed = rows.some((row) => row.webhookId !== null && row.idempotencyKey !== null);
    const inserted = await queryPrepared<{ id: string }>(
      this.dataSource,
      keyed ? 'executions_insert_keyed' : 'executions_insert',
      `WITH v AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS v(id uuid, wf uuid, ver int, hook uuid, usr uuid, mode text, trigger jsonb, ikey text, retry uuid, nodes jsonb, created timestamptz,
                status text, attempt int, error text, started timestamptz, completed timestamptz, trace text, owner text, lease float8, ckey text))
       ${keyed ? KEYED_INSERT_CTE : ''}
       INSERT INTO workflow_executions
         (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "idempotencyKey", "retryOf", "nodeExecutions", "createdAt",
          attempt, error, "startedAt", "completedAt", "traceContext", "leaseOwner", "leaseExpiresAt", "concurrencyKey", "sizeBytes")
       SELECT v.id, v.wf, v.ver, v.hook, v.usr, v.mode, COALESCE(v.status, 'PENDING'), v.trigger, v.ikey, v.retry, v.nodes, v.created,
              COALESCE(v.attempt, 0), v.error, v.started, v.completed, v.trace, v.owner, now() + make_interval(secs => v.lease / 1000), v.ckey,
              ${sizeBytesSql({ trigger: 'v.trigger', nodes: 'v.nodes', error: 'v.error' })}
         FROM v ${keyed ? 'WHERE v.hook IS NULL OR v.ikey IS NULL OR v.id IN (SELECT "executionId" FROM k)' : ''}
       RETURNING id`,
      [batch],
    );
    const created = new Set(inserted.map((row) => row.id));
    const duplicates = rows.filter((row) => !created.has(row.id));
    const originals = duplicates.length ? await this.findByIdempotencyKeys(duplicates) : new Map<string, { id: string; status: ExecutionStatus }>();
    return rows.map((row) => {
      if (created.has(row.id)) return { created: true, id: row.id };
      const original = originals.get(`${row.webhookId}|${row.idempotencyKey}`);
      if (!original) throw new Error(`Execution ${row.id} was neither inserted nor found as a duplicate`);
      return { created: false, ...original };
    });
  }

  private async findByIdempotencyKeys(rows: NewExecution[]): Promise<Map<string, { id: string; status: ExecutionStatus }>> {
    // The key outlives its execution only when retention is shorter than the keys' 4 days: the
    // duplicate is still answered, as the original it was (CANCELED: it is gone).
    const found: Array<{ id: string; webhookId: string; idempotencyKey: string; status: ExecutionStatus }> = await this.dataSource.query(
      `SELECT k."executionId" AS id, k.scope AS "webhookId", k.key AS "idempotencyKey", COALESCE(e.status, 'CANCELED') AS status
         FROM unnest($1::uuid[], $2::text[]) AS r(hook, ikey)
         JOIN execution_keys k ON k.scope = r.hook AND k.key = r.ikey
         LEFT JOIN workflow_executions e ON e.id = k."executionId"`,
      [rows.map((r) => r.webhookId), rows.map((r) => r.idempotencyKey)],
    );
    return new Map(found.map((row) => [`${row.webhookId}|${row.idempotencyKey}`, { id: row.id, status: row.status }]));
  }

  /**
   * Takes ownership of executions that are PENDING, RUNNING under an expired lease, or WAITING and
   * due. Each claim bumps `attempt`, which fences every later write of a previous owner. `attempt`
   * also counts claims that continue a wait, so lost runs have a counter of their own: `lostRuns`
   * grows only when a RUNNING execution still held by an owner (`leaseOwner` set: not handed back on
   * shutdown, releaseLeases) is taken over because that owner's lease expired — it died or stalled.
   * A PENDING execution with `startsAfter` (a schedule's buffered firing, docs/schedules.md
   * bufferOne) waits until that one has ended (wfe_execution_unfinished, migration UnfinishedExecutionCheck:
   * planned only for such a row); every other row skips it on the null check.
   * A PENDING execution with a concurrency limit (`concurrencyKey` set) is never claimed here but by
   * ConcurrencyRepository.claimNext, under its key's limit (docs/concurrency.md).
   *
   * `wakes`: the `waitTill` a wake timer of this process was armed for, by id. Such a wait is due
   * when that timer fires, whatever the database's clock says (it may not quite have reached
   * `waitTill` yet: timers fire up to a millisecond early, and clocks differ); a later `waitTill`
   * (the execution moved on to another wait) is not claimed early.
   *
   * `firstCalls`: by `workflowId:version`, the records a fresh run of that version commits before
   * its first outside call (ExecutionEngine.firstCallTemplates). A fresh execution (PENDING, never
   * claimed, no records yet) of such a version is claimed with them, as an insert already claimed
   * stores them (NewExecution.claimedBy): its run then makes that call without a write of its own.
   * It comes back `firstCallCommitted`, its records empty, as its run starts from nothing.
   */
  async claimMany(ids: string[], owner: string, leaseMs: number, wakes?: Map<string, Date>, firstCalls?: Record<string, string>): Promise<ClaimedExecution[]> {
    const claimed = await queryPrepared<ClaimedExecution>(
      this.dataSource,
      'executions_claim',
      `UPDATE workflow_executions
          SET status = 'RUNNING', attempt = attempt + 1, "leaseOwner" = $2,
              "nodeExecutions" = COALESCE(${FIRST_CALL_RECORDS}, "nodeExecutions"),
              "sizeBytes" = CASE WHEN ${FIRST_CALL_RECORDS} IS NULL THEN "sizeBytes"
                                 ELSE ${sizeBytesSql({ trigger: '"triggerData"', nodes: FIRST_CALL_RECORDS, response: '"webhookResponse"', error: 'error' })} END,
              "lostRuns" = "lostRuns" + CASE WHEN status = 'RUNNING' AND "leaseOwner" IS NOT NULL THEN 1 ELSE 0 END,
              "leaseExpiresAt" = now() + make_interval(secs => $3::float8 / 1000), "startedAt" = COALESCE("startedAt", now()),
              "waitedMs" = "waitedMs" + CASE WHEN status = 'WAITING' AND "waitingSince" IS NOT NULL
                                             THEN GREATEST(0, floor(EXTRACT(EPOCH FROM now() - "waitingSince") * 1000))::bigint ELSE 0 END,
              "waitingSince" = NULL
        WHERE id = ANY($1::uuid[])
          AND ((status = 'PENDING' AND "concurrencyKey" IS NULL
                AND ("startsAfter" IS NULL OR NOT wfe_execution_unfinished("startsAfter")))
               OR (status = 'RUNNING' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < now()))
               OR (status = 'WAITING' AND "waitTill" <= GREATEST(now(), ($4::jsonb ->> id::text)::timestamptz)))
        RETURNING id, "workflowId", "workflowVersion", "webhookId", "userId", mode, "triggerData", attempt, "lostRuns", "startedAt", "waitedMs"::float8 AS "waitedMs", "waitNode", "resumeData",
                  "traceContext", "parentExecutionId", "parentWaits", "concurrencyKey",
                  CASE WHEN ${FIRST_CALL_CLAIMED} THEN '[]'::jsonb ELSE "nodeExecutions" END AS "nodeExecutions",
                  COALESCE(${FIRST_CALL_CLAIMED}, false) AS "firstCallCommitted"`,
      [
        ids,
        owner,
        leaseMs,
        wakes?.size ? JSON.stringify(Object.fromEntries([...wakes].map(([id, due]) => [id, isoTime(due.getTime())]))) : null,
        firstCalls ? `{${Object.entries(firstCalls).map(([key, records]) => `"${key}":${records}`).join(',')}}` : null,
      ],
    );
    for (const execution of claimed) execution.nodeExecutions = expandNodeRecords(execution.nodeExecutions, execution.triggerData);
    return claimed;
  }

  /**
   * Fresh executions among `ids` that may run without a claim (ExecutionEngine.runUnclaimed: a pure
   * workflow's): PENDING, never claimed, no records, no concurrency limit, and not waiting for an
   * earlier firing (`startsAfter`, as claimMany). A read, not a write: the run's final state is
   * written only if the row is still so (completeMany, attempt 0), so of two runs of the same
   * execution (a job delivered twice, a sweep meanwhile) one at most is stored, and a cancel
   * meanwhile wins.
   */
  async findUnclaimed(ids: string[]): Promise<ClaimedExecution[]> {
    const found = await queryPrepared<ClaimedExecution>(
      this.dataSource,
      'executions_find_unclaimed',
      `SELECT id, "workflowId", "workflowVersion", "webhookId", "userId", mode, "triggerData", "traceContext", "parentExecutionId", "parentWaits", "concurrencyKey"
         FROM workflow_executions
        WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND attempt = 0 AND "concurrencyKey" IS NULL AND "nodeExecutions" = '[]'::jsonb
          AND ("startsAfter" IS NULL OR NOT wfe_execution_unfinished("startsAfter"))`,
      [ids],
    );
    const startedAt = new Date();
    for (const execution of found) Object.assign(execution, { nodeExecutions: [], attempt: 0, lostRuns: 0, startedAt, waitNode: null, resumeData: null });
    return found;
  }

  /**
   * Writes final states; returns the ids whose write was accepted (still RUNNING under that attempt,
   * or still PENDING and never claimed for attempt 0: a run without a claim, findUnclaimed).
   * Rows are locked in id order, as claims and lease renewals (index scans over id) lock them. But
   * the end of a waited-for child also locks its parent's row (the child-ended trigger, migration
   * Subworkflows), after the batch's own rows and in their order: two batches ending children of the
   * same parents, or one and a claim of those parents, can deadlock. PostgreSQL then aborts one
   * statement, which is tried again: the write is fenced by status and attempt, so repeating it is
   * safe, and giving up would leave the execution RUNNING until its lease expires and its run,
   * outside calls included, is repeated.
   */
  async completeMany(unordered: FinalState[]): Promise<Set<string>> {
    if (!unordered.length) return new Set();
    for (let tried = 1; ; tried++) {
      try {
        return await this.writeFinalStates(unordered);
      } catch (error) {
        if (!isDeadlock(error) || tried >= DEADLOCK_TRIES) throw error;
        await sleep(Math.random() * 20 * tried);
      }
    }
  }

  private async writeFinalStates(unordered: FinalState[]): Promise<Set<string>> {
    const { rows: states, low, high } = inIdOrder(unordered);
    // The records are JSON already (serialised, truncated and scrubbed by the engine): spliced into
    // one document as they are rather than escaped again as array-literal text.
    const batch = `[${states
      .map(
        (s) =>
          `{"id":"${s.id}","attempt":${s.attempt},"status":"${s.status}","nodes":${s.nodeExecutionsJson},"error":${s.error === null ? 'null' : toJsonb(s.error)},` +
          `"completed":"${isoTime(s.completedAt.getTime())}","response":${s.webhookResponseJson ?? 'null'}${s.startedAt ? `,"started":"${isoTime(s.startedAt.getTime())}"` : ''}}`,
      )
      .join(',')}]`;
    const rows = await queryPrepared<{ id: string }>(
      this.dataSource,
      'executions_complete',
      `UPDATE workflow_executions e
            SET status = v.status, "nodeExecutions" = v.nodes, error = v.error, "completedAt" = v.completed,
                "webhookResponse" = COALESCE(v.response, e."webhookResponse"),
                "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "waitNode" = NULL, "waitTill" = NULL, "resumeData" = NULL,
                attempt = GREATEST(v.attempt, 1), "startedAt" = COALESCE(e."startedAt", v.started),
                "sizeBytes" = ${sizeBytesSql({ trigger: 'e."triggerData"', nodes: 'v.nodes', response: 'COALESCE(v.response, e."webhookResponse")', error: 'v.error' })}
           FROM jsonb_to_recordset($1::jsonb)
             AS v(id uuid, attempt int, status text, nodes jsonb, error text, completed timestamptz, response jsonb, started timestamptz)
          WHERE e.id = v.id AND e.id BETWEEN $2::uuid AND $3::uuid
            AND e.attempt = v.attempt AND e.status = CASE WHEN v.attempt = 0 THEN 'PENDING' ELSE 'RUNNING' END
          RETURNING e.id`,
      [batch, low, high],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Commits progress before an outside effect (docs/executions.md), for many executions in one
   * statement; returns the ids whose write was accepted (still RUNNING under that attempt: the
   * others lost their lease). A resumed wait is consumed here: once its node's result is committed,
   * the resume data is not needed.
   */
  async saveProgressMany(unordered: ProgressState[]): Promise<Set<string>> {
    if (!unordered.length) return new Set();
    // Locked in id order, as completeMany and claims lock rows, so concurrent batches cannot deadlock.
    const { rows: states, low, high } = inIdOrder(unordered);
    const batch = `[${states.map((s) => `{"id":"${s.id}","attempt":${s.attempt},"nodes":${s.nodeExecutionsJson},"response":${s.webhookResponseJson ?? 'null'}}`).join(',')}]`;
    const rows = await queryPrepared<{ id: string }>(
      this.dataSource,
      'executions_progress',
      `UPDATE workflow_executions e
          SET "nodeExecutions" = v.nodes, "webhookResponse" = COALESCE(v.response, e."webhookResponse"),
              "waitNode" = NULL, "waitTill" = NULL, "resumeData" = NULL,
              "sizeBytes" = ${sizeBytesSql({ trigger: 'e."triggerData"', nodes: 'v.nodes', response: 'COALESCE(v.response, e."webhookResponse")', error: 'e.error' })}
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, attempt int, nodes jsonb, response jsonb)
        WHERE e.id = v.id AND e.id BETWEEN $2::uuid AND $3::uuid AND e.status = 'RUNNING' AND e.attempt = v.attempt
        RETURNING e.id`,
      [batch, low, high],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** One execution's progress commit (saveProgressMany); false when the lease was lost. */
  async saveProgress(id: string, attempt: number, nodeExecutionsJson: string, webhookResponseJson: string | null): Promise<boolean> {
    return (await this.saveProgressMany([{ id, attempt, nodeExecutionsJson, webhookResponseJson }])).has(id);
  }

  /**
   * Parks a RUNNING execution at a wait node (docs/nodes.md), or at an executeWorkflow node waiting
   * for its children (docs/lists-and-subworkflows.md): WAITING, no lease, no worker held, due in
   * `waitMs` (null: only when resumed). `waitTill` is set on the database's clock, which every
   * sweep compares it with, so a process whose clock is ahead or behind wakes nothing early or
   * late; whole milliseconds, so that the value returned compares equal with the one stored. A child
   * this run waits for that ended before it parked (migration Subworkflows) makes it due at once.
   * Returns that `waitTill`, or false when the lease was lost.
   */
  async suspend(id: string, attempt: number, nodeExecutionsJson: string, webhookResponseJson: string | null, waitNode: string, waitMs: number | null): Promise<{ waitTill: Date | null } | false> {
    const rows: Array<{ waitTill: Date | null }> = unwrapUpdate(
      await this.dataSource.query(
        `UPDATE workflow_executions
            SET status = 'WAITING', "nodeExecutions" = $3::jsonb, "webhookResponse" = COALESCE($4::jsonb, "webhookResponse"),
                "waitNode" = $5, "resumeData" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
                "waitTill" = CASE WHEN "childEnded" THEN date_trunc('milliseconds', now())
                                  ELSE date_trunc('milliseconds', now() + make_interval(secs => $6::float8 / 1000)) END,
                "childEnded" = false, "waitingSince" = now(),
                "sizeBytes" = ${sizeBytesSql({ trigger: '"triggerData"', nodes: '$3::jsonb', response: 'COALESCE($4::jsonb, "webhookResponse")', error: 'error' })}
          WHERE id = $1 AND attempt = $2 AND status = 'RUNNING' RETURNING "waitTill"`,
        [id, attempt, nodeExecutionsJson, webhookResponseJson, waitNode, waitMs],
      ),
    );
    return rows.length === 1 ? { waitTill: rows[0].waitTill } : false;
  }

  /** A parent a child's end made due (migration Subworkflows), so the process that ended the child wakes it at once. */
  async dueParent(id: string): Promise<{ workflowId: string; waitTill: Date } | undefined> {
    const rows: Array<{ workflowId: string; waitTill: Date }> = await this.dataSource.query(
      `SELECT "workflowId", "waitTill" FROM workflow_executions WHERE id = $1 AND status = 'WAITING' AND "waitTill" <= now()`,
      [id],
    );
    return rows[0];
  }

  /**
   * Wakes an execution waiting at `waitNode` with the resume request. Single use: only a WAITING
   * execution without resume data matches, so a second call with the same token finds nothing.
   */
  async resume(id: string, waitNode: string, resumeDataJson: string): Promise<{ workflowId: string } | undefined> {
    const rows: Array<{ workflowId: string }> = unwrapUpdate(
      await this.dataSource.query(
        `UPDATE workflow_executions SET "resumeData" = $3::jsonb, "waitTill" = now()
          WHERE id = $1 AND status = 'WAITING' AND "waitNode" = $2 AND "resumeData" IS NULL RETURNING "workflowId"`,
        [id, waitNode, resumeDataJson],
      ),
    );
    return rows[0];
  }

  async renewLeases(ids: string[], owner: string, leaseMs: number): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: Array<{ id: string }> = unwrapUpdate(
      await this.dataSource.query(
        `UPDATE workflow_executions SET "leaseExpiresAt" = now() + make_interval(secs => $3::float8 / 1000)
          WHERE id = ANY($1::uuid[]) AND "leaseOwner" = $2 AND status = 'RUNNING' RETURNING id`,
        [ids, owner, leaseMs],
      ),
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Hands executions back (SIGTERM) so another worker resumes them at once, not after the lease.
   * Without an owner, the next claim does not count the run as lost (claimMany's `lostRuns`).
   */
  async releaseLeases(ids: string[], owner: string): Promise<void> {
    if (!ids.length) return;
    await this.dataSource.query(
      `UPDATE workflow_executions SET "leaseExpiresAt" = now() - interval '1 second', "leaseOwner" = NULL WHERE id = ANY($1::uuid[]) AND "leaseOwner" = $2 AND status = 'RUNNING'`,
      [ids, owner],
    );
  }

  /**
   * PENDING executions, RUNNING ones whose lease expired, and WAITING ones that are due; oldest first.
   * PENDING ones with a concurrency limit are ConcurrencyRepository.findStartable's.
   */
  async findRecoverable(limit: number): Promise<Array<{ id: string; workflowId: string }>> {
    return this.dataSource.query(
      `(SELECT id, "workflowId" FROM workflow_executions WHERE status = 'PENDING' AND "concurrencyKey" IS NULL ORDER BY id LIMIT $1)
       UNION ALL
       (SELECT id, "workflowId" FROM workflow_executions WHERE status = 'RUNNING' AND "leaseExpiresAt" < now() ORDER BY id LIMIT $1)
       UNION ALL
       (SELECT id, "workflowId" FROM workflow_executions WHERE status = 'WAITING' AND "waitTill" <= now() ORDER BY "waitTill" LIMIT $1)`,
      [limit],
    );
  }

  /**
   * WAITING executions due later but within `withinMs`, so this process can wake them on time (the
   * due ones are findRecoverable's). `dueInMs` is measured on the database's clock, as `waitTill` is.
   */
  async findWaitingDueWithin(withinMs: number, limit: number): Promise<Array<{ id: string; workflowId: string; waitTill: Date; dueInMs: number }>> {
    const rows: Array<{ id: string; workflowId: string; waitTill: Date; dueInMs: string | number }> = await this.dataSource.query(
      `SELECT id, "workflowId", "waitTill", EXTRACT(EPOCH FROM "waitTill" - now()) * 1000 AS "dueInMs" FROM workflow_executions
        WHERE status = 'WAITING' AND "waitTill" > now() AND "waitTill" <= now() + make_interval(secs => $1::float8 / 1000)
        ORDER BY "waitTill" LIMIT $2`,
      [withinMs, limit],
    );
    return rows.map((row) => ({ ...row, dueInMs: Number(row.dueInMs) }));
  }

  /**
   * PENDING, RUNNING or WAITING → CANCELED, with final node records (canceledRecords): the row is
   * locked while they are computed, so a run's progress cannot be written in between, and every
   * later write of that run is fenced off by the status.
   */
  async cancel(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // A read-only join of workflow_versions (WorkflowsRepository's): a version never changes once
      // written, and reading its nodes in the statement that locks the execution costs no extra
      // round trip while the lock is held.
      const rows: Array<{ nodeExecutions: NodeExecution[] | null; nodes: Array<{ id: string; name: string; type: string }> | null }> = await manager.query(
        `SELECT e."nodeExecutions", v.nodes
           FROM workflow_executions e
           LEFT JOIN workflow_versions v ON v."workflowId" = e."workflowId" AND v.version = e."workflowVersion"
          WHERE e.id = $1 AND e.status IN ('PENDING', 'RUNNING', 'WAITING')
            FOR UPDATE OF e`,
        [id],
      );
      if (!rows.length) return false;
      const records = canceledRecords(rows[0].nodeExecutions ?? [], rows[0].nodes ?? [], new Date());
      await manager.query(
        `UPDATE workflow_executions SET status = 'CANCELED', "completedAt" = now(), error = COALESCE(error, 'Canceled'), "nodeExecutions" = $2::jsonb,
                "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "waitNode" = NULL, "waitTill" = NULL, "resumeData" = NULL,
                "sizeBytes" = ${sizeBytesSql({ trigger: '"triggerData"', nodes: '$2::jsonb', response: '"webhookResponse"', error: "COALESCE(error, 'Canceled')" })}
          WHERE id = $1`,
        [id, toJsonb(records)],
      );
      return true;
    });
  }

  /** What a node starting a child needs of its parent: who runs it, and how deep it is (docs/lists-and-subworkflows.md, limits). */
  async parentOf(id: string): Promise<{ userId: string; depth: number } | undefined> {
    const rows: Array<{ userId: string; depth: number }> = await this.dataSource.query('SELECT "userId", depth FROM workflow_executions WHERE id = $1', [id]);
    return rows[0];
  }

  /**
   * Stores a sub-workflow's execution PENDING unless that node run of the parent already has one
   * (UQ_executions_parent_node_run): a parent that runs the node again after a crash or a resume
   * gets the child it started before. Returns the child's id, and whether this call created it.
   */
  async insertChild(row: NewExecution & { parentExecutionId: string; parentNode: string; parentIndex: number; parentWaits: boolean }): Promise<{ id: string; created: boolean }> {
    // The key (execution_keys) is taken only when the parent exists; the child is inserted only when the key was new.
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `WITH p AS (SELECT depth FROM workflow_executions WHERE id = $7),
            k AS (INSERT INTO execution_keys (scope, key, kind, "executionId", "createdAt")
                  SELECT $7, $8::int || ':' || $10, 'child', $1, $6 FROM p
                  ON CONFLICT DO NOTHING RETURNING "executionId")
       INSERT INTO workflow_executions
         (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "nodeExecutions", "createdAt",
          "parentExecutionId", "parentNode", "parentIndex", "parentWaits", depth, "concurrencyKey", "sizeBytes")
       SELECT $1, $2, $3, NULL, $4, 'subworkflow', 'PENDING', $5::jsonb, '[]'::jsonb, $6, $7, $10, $8, $9, p.depth + 1, $11,
              ${sizeBytesSql({ trigger: '$5::jsonb', nodes: "'[]'::jsonb" })}
         FROM p JOIN k ON k."executionId" = $1
       RETURNING id`,
      [row.id, row.workflowId, row.workflowVersion, row.userId, toJsonb(row.triggerData), row.createdAt, row.parentExecutionId, row.parentIndex, row.parentWaits, row.parentNode, row.concurrencyKey ?? null],
    );
    if (inserted.length) return { id: inserted[0].id, created: true };
    const existing = await this.findChildId(row.parentExecutionId, row.parentNode, row.parentIndex);
    if (!existing) throw new Error(`Child of execution ${row.parentExecutionId} at "${row.parentNode}" was neither inserted nor found`);
    return { id: existing, created: false };
  }

  /** The id of the child a node run of the parent started, from its key. */
  private async findChildId(parentExecutionId: string, parentNode: string, parentIndex: number): Promise<string | undefined> {
    const rows: Array<{ executionId: string }> = await this.dataSource.query(`SELECT "executionId" FROM execution_keys WHERE scope = $1 AND key = $2`, [
      parentExecutionId,
      `${parentIndex}:${parentNode}`,
    ]);
    return rows[0]?.executionId;
  }

  /** The child a node run of the parent started, if any, with what its end tells the parent. */
  async findChild(parentExecutionId: string, parentNode: string, parentIndex: number): Promise<ExecutionEntity | null> {
    // A probe of IDX_executions_parent_node_run in each partition: small partial indexes.
    return this.dataSource.getRepository(ExecutionEntity).findOneBy({ parentExecutionId, parentNode, parentIndex });
  }

  /** An execution's sub-workflow executions, in the order they were started (one index scan). */
  async findChildren(parentExecutionId: string): Promise<Array<{ id: string; status: ExecutionStatus; nodeName: string; index: number }>> {
    return this.dataSource.query(
      `SELECT id, status, "parentNode" AS "nodeName", "parentIndex" AS index FROM workflow_executions WHERE "parentExecutionId" = $1 ORDER BY id`,
      [parentExecutionId],
    );
  }

  /**
   * The children (and their children) a canceled execution was waiting for that have not ended
   * (docs/lists-and-subworkflows.md); fire-and-forget children go on.
   */
  async findWaitedDescendantsToCancel(id: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH RECURSIVE tree AS (
         SELECT id, status FROM workflow_executions WHERE "parentExecutionId" = $1 AND "parentWaits"
         UNION ALL
         SELECT c.id, c.status FROM workflow_executions c JOIN tree t ON c."parentExecutionId" = t.id WHERE c."parentWaits"
       )
       SELECT id FROM tree WHERE status IN ('PENDING', 'RUNNING', 'WAITING')`,
      [id],
    );
    return rows.map((row) => row.id);
  }

  /** The children a node's elements wait for that have not ended (ExecutionService.cancelNodeChildren). */
  async findWaitedChildrenToCancel(parentExecutionId: string, parentNode: string): Promise<Array<{ id: string; index: number }>> {
    return this.dataSource.query(
      `SELECT id, "parentIndex" AS index FROM workflow_executions
        WHERE "parentExecutionId" = $1 AND "parentNode" = $2 AND "parentWaits" AND status IN ('PENDING', 'RUNNING', 'WAITING')
        ORDER BY "parentIndex"`,
      [parentExecutionId, parentNode],
    );
  }

  /**
   * Bulk retry's candidates (docs/executions.md): newest first by startedAt, leaving out executions
   * that already have a retry, so a repeated call retries only the newest link of each chain.
   */
  async findRetryCandidates(filter: ExecutionFilter & { status: 'FAILED' | 'CANCELED' }, limit: number): Promise<string[]> {
    const conditions = ['e.status = $1', 'NOT EXISTS (SELECT 1 FROM workflow_executions r WHERE r."retryOf" = e.id)'];
    const params: unknown[] = [filter.status];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.workflowId) conditions.push(`e."workflowId" = ${param(filter.workflowId)}`);
    if (filter.from) conditions.push(`e."startedAt" >= ${param(filter.from)}`);
    if (filter.to) conditions.push(`e."startedAt" <= ${param(filter.to)}`);
    if (filter.visibleTo) {
      const user = param(filter.visibleTo);
      conditions.push(visibleToSql('e', user));
    }
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT e.id FROM workflow_executions e WHERE ${conditions.join(' AND ')} ORDER BY e."startedAt" DESC NULLS LAST, e.id DESC LIMIT ${param(limit)}`,
      params,
    );
    return rows.map((row) => row.id);
  }

  findById(id: string): Promise<ExecutionEntity | null> {
    return this.dataSource.getRepository(ExecutionEntity).findOneBy({ id });
  }

  /**
   * What a caller waiting for an execution's end needs of each of `ids` (CompletionWaiters): its
   * status, error, respondToWebhook answer and node records (references expanded). One named
   * statement for every waiter whose news came together: in queue mode each `lastNode` call read its
   * row twice through the ORM (on subscribing, and on the news), and parsing and planning those reads
   * one by one cost PostgreSQL more than the execution's own writes (bench/README.md).
   */
  async findOutcomes(ids: string[]): Promise<ExecutionOutcomeRow[]> {
    const rows = await queryPrepared<ExecutionOutcomeRow & { triggerData: unknown }>(
      this.dataSource,
      'executions_find_outcomes',
      `SELECT id, status, error, "webhookResponse", "triggerData", "nodeExecutions" FROM workflow_executions WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(({ triggerData, ...row }) => ({ ...row, nodeExecutions: expandNodeRecords(row.nodeExecutions, triggerData) }));
  }

  async findStatus(id: string): Promise<ExecutionStatus | undefined> {
    const rows: Array<{ status: ExecutionStatus }> = await this.dataSource.query('SELECT status FROM workflow_executions WHERE id = $1', [id]);
    return rows[0]?.status;
  }

  /** The statuses of `ids` (an id not found is absent), read in the caller's transaction (the schedule firer's claim). */
  static async statusesIn(manager: EntityManager, ids: string[]): Promise<Map<string, ExecutionStatus>> {
    const rows: Array<{ id: string; status: ExecutionStatus }> = ids.length ? await manager.query('SELECT id, status FROM workflow_executions WHERE id = ANY($1::uuid[])', [ids]) : [];
    return new Map(rows.map((row) => [row.id, row.status]));
  }

  /**
   * Counts by status and total sizeBytes of the executions made in [from, to] (docs/retention-and-sizing.md), by the
   * time in their id (their creation, to the millisecond). Whole days that are summarized are read
   * from their summaries (DaySummariesRepository: a few rows a workflow); the rest of the range from
   * the executions, whose id range prunes the daily partitions: for a workflow an index-only scan of
   * IDX_executions_workflow_status_id (sizeBytes is INCLUDEd) over its entries there, never a read
   * of the rows. A member sees what the list shows them: the executions of their workflows, and
   * those they started of others (read through IDX_executions_user_id, with the rows).
   */
  async stats(filter: StatsFilter): Promise<ExecutionStats> {
    const [from, end] = [filter.from.getTime(), filter.to.getTime() + 1];
    const [firstWholeDay, wholeDaysEnd] = [Math.ceil(from / DAY_MS) * DAY_MS, Math.floor(end / DAY_MS) * DAY_MS];
    const summarized = firstWholeDay < wholeDaysEnd ? await summarizedDays(this.dataSource, firstWholeDay, wholeDaysEnd - DAY_MS) : [];
    // The range less its summarized days: the id ranges read from the executions.
    const unsummarized: Array<[number, number]> = [];
    let next = from;
    for (const day of summarized) {
      if (day > next) unsummarized.push([next, day]);
      next = day + DAY_MS;
    }
    if (next < end) unsummarized.push([next, end]);

    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const workflow = filter.workflowId ? ` AND s."workflowId" = ${param(filter.workflowId)}` : '';
    const user = filter.visibleTo ? param(filter.visibleTo) : '';
    const owned = filter.visibleTo ? ` AND s."workflowId" IN (${ownedWorkflowsSql(user)})` : '';
    const idRange = ([lo, hi]: [number, number]) => `s.id >= ${param(idAtTime(lo))} AND s.id < ${param(idAtTime(hi))}`;
    const parts = unsummarized.map((range) => `SELECT s.status, 1 AS n, s."sizeBytes" AS bytes FROM workflow_executions s WHERE ${idRange(range)}${workflow}${owned}`);
    if (summarized.length) {
      parts.push(`SELECT s.status, s.count AS n, s."sizeBytes" AS bytes FROM execution_day_summaries s WHERE s.day = ANY(${param(summarized.map(isoDay))}::date[])${workflow}${owned}`);
    }
    if (filter.visibleTo) {
      // Disjoint from the parts above, so each can use its index: an OR of the two would read every row.
      parts.push(`SELECT s.status, 1 AS n, s."sizeBytes" AS bytes FROM workflow_executions s WHERE ${idRange([from, end])}${workflow} AND s."userId" = ${user}
                    AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.id = s."workflowId" AND w."ownerId" = ${user})`);
    }
    const rows: Array<{ status: ExecutionStatus; count: string; bytes: string | null }> = await this.dataSource.query(
      `SELECT u.status, sum(u.n) AS count, sum(u.bytes) AS bytes FROM (${parts.join(' UNION ALL ')}) u GROUP BY u.status`,
      params,
    );
    const byStatus = Object.fromEntries(EXECUTION_STATUSES.map((status) => [status, 0])) as Record<ExecutionStatus, number>;
    let sizeBytes = 0;
    for (const row of rows) {
      byStatus[row.status] = Number(row.count);
      sizeBytes += Number(row.bytes ?? 0);
    }
    return { byStatus, total: rows.reduce((sum, row) => sum + Number(row.count), 0), sizeBytes };
  }

  /**
   * Newest first; `limit + 1` rows so the caller can tell whether another page exists. Every filter
   * keeps to few partitions: the cursor and the time range bound the id (the partition key), and a
   * page reads the partitions of the two days before where it starts first.
   */
  async list(filter: ExecutionFilter, limit: number, cursor: string | undefined, withNodes: boolean): Promise<ExecutionEntity[]> {
    const startsAt = cursor === undefined ? Date.now() : timeOfId(cursor);
    if (filter.from || startsAt === undefined) return this.listQuery(filter, limit, cursor, withNodes).getMany();
    // A page is usually made of executions of the day or two before where it starts (now, or its
    // cursor): those partitions are read first, and the older ones only for what is missing. One
    // query over every partition would start an index scan in each, a heap page read apiece, before
    // it returned a row (bench/README.md: page 21 at 50 M executions).
    const windowFrom = idAtTime(startsAt - RECENT_WINDOW_MS);
    const recent = await this.listQuery(filter, limit, cursor, withNodes).andWhere('e.id >= :windowFrom', { windowFrom }).getMany();
    if (recent.length > limit) return recent;
    const older = await this.listQuery(filter, limit - recent.length, recent.at(-1)?.id ?? windowFrom, withNodes).getMany();
    return [...recent, ...older];
  }

  /** list's query, to run or to EXPLAIN (test/execution-history.e2e.spec.ts shows which partitions it reads). */
  listQuery(filter: ExecutionFilter, limit: number, cursor: string | undefined, withNodes: boolean): SelectQueryBuilder<ExecutionEntity> {
    const query = this.dataSource
      .getRepository(ExecutionEntity)
      .createQueryBuilder('e')
      .select([...SUMMARY_COLUMNS, ...(withNodes ? (['nodeExecutions'] as const) : [])].map((column) => `e.${column}`))
      .orderBy('e.id', 'DESC')
      .limit(limit + 1);
    if (filter.visibleTo) {
      query.andWhere(visibleToSql('e', ':visibleTo'), { visibleTo: filter.visibleTo });
    }
    if (filter.workflowId) query.andWhere('e.workflowId = :workflowId', { workflowId: filter.workflowId });
    if (filter.status) query.andWhere('e.status = :status', { status: filter.status });
    if (filter.mode) query.andWhere('e.mode = :mode', { mode: filter.mode });
    if (filter.from) query.andWhere('e.createdAt >= :from AND e.id >= :fromId', { from: filter.from, fromId: idAtTime(filter.from.getTime() - ID_TIME_SLACK_MS) });
    if (filter.to) query.andWhere('e.createdAt <= :to AND e.id < :toId', { to: filter.to, toId: idAtTime(filter.to.getTime() + ID_TIME_SLACK_MS) });
    if (cursor) query.andWhere('e.id < :cursor', { cursor });
    return query;
  }
}

/** The ids of the workflows the user `user` (SQL: a parameter) owns. */
function ownedWorkflowsSql(user: string): string {
  return `SELECT w.id FROM workflows w WHERE w."ownerId" = ${user}`;
}

/**
 * The executions of `alias` a member sees (ExecutionFilter.visibleTo): those they started, and those
 * of their workflows. stats() splits it in two disjoint parts instead, each read through its index.
 */
function visibleToSql(alias: string, user: string): string {
  return `(${alias}."userId" = ${user} OR ${alias}."workflowId" IN (${ownedWorkflowsSql(user)}))`;
}

/** One row of insertMany's JSON document. */
function insertDocument(r: NewExecution): string {
  const columns = toJsonb({
    id: r.id,
    wf: r.workflowId,
    ver: r.workflowVersion,
    hook: r.webhookId,
    usr: r.userId,
    mode: r.mode,
    trigger: r.triggerData,
    ikey: r.idempotencyKey,
    retry: r.retryOf,
    created: isoTime(r.createdAt.getTime()),
    // Only when tracing is on: with it off the document is what it always was.
    ...(r.traceContext && { trace: r.traceContext }),
    // Only for limited workflows, for the same reason.
    ...(typeof r.concurrencyKey === 'string' && { ckey: r.concurrencyKey }),
    ...(r.finished && { status: r.finished.status, attempt: 1, error: r.finished.error, started: isoTime(r.finished.startedAt.getTime()), completed: isoTime(r.finished.completedAt.getTime()) }),
    ...(r.claimedBy && { status: 'RUNNING', attempt: 1, started: isoTime(r.claimedBy.startedAt.getTime()), owner: r.claimedBy.owner, lease: r.claimedBy.leaseMs }),
  });
  return `${columns.slice(0, -1)},"nodes":${r.finished?.nodeExecutionsJson ?? r.claimedBy?.nodeExecutionsJson ?? toJsonb(r.nodeExecutions ?? [])}}`;
}
