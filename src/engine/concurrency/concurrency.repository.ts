import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasSessionPerConnection, unwrapUpdate } from '../../database/prepared-statements.js';
import type { ClaimedExecution } from '../../executions/executions.repository.js';
import { expandNodeRecords } from '../../executions/node-records.js';

/**
 * The workflow's limit as it stands now (an edit takes effect for executions that start after it):
 * `settings.concurrency` as a number or `{ limit }`; no limit (removed since the execution was
 * created, or the workflow deleted) lets every PENDING execution of the key start.
 */
const CURRENT_LIMIT = `COALESCE((SELECT CASE jsonb_typeof(w.settings->'concurrency')
                                          WHEN 'number' THEN (w.settings->>'concurrency')::int
                                          WHEN 'object' THEN (w.settings->'concurrency'->>'limit')::int END
                                   FROM workflows w WHERE w.id = $1), 2147483647)`;

/** The oldest startable PENDING execution of (workflow $1, key $2), to owner $3 for $4 ms, if the key has fewer RUNNING than its limit. */
const CLAIM_NEXT = `UPDATE workflow_executions
        SET status = 'RUNNING', attempt = attempt + 1, "leaseOwner" = $3,
            "leaseExpiresAt" = now() + make_interval(secs => $4::float8 / 1000), "startedAt" = COALESCE("startedAt", now())
      WHERE id = (SELECT p.id FROM workflow_executions p
                   WHERE p."workflowId" = $1 AND p."concurrencyKey" = $2 AND p.status = 'PENDING'
                     AND (p."startsAfter" IS NULL OR NOT wfe_execution_unfinished(p."startsAfter"))
                   ORDER BY p.id LIMIT 1)
        AND status = 'PENDING'
        AND (SELECT count(*) FROM workflow_executions r
              WHERE r."workflowId" = $1 AND r."concurrencyKey" = $2 AND r.status = 'RUNNING') < ${CURRENT_LIMIT}
      RETURNING id, "workflowId", "workflowVersion", "webhookId", "userId", mode, "triggerData", "nodeExecutions", attempt, "lostRuns", "startedAt", "waitNode", "resumeData", "traceContext",
                "parentExecutionId", "parentWaits", "concurrencyKey"`;

/**
 * Claims of executions with a concurrency limit (docs/concurrency.md), which hold across every
 * process on the database. Executions without a limit never come here (ExecutionsRepository.claimMany).
 *
 * One claim is a short transaction: it takes a transaction-scoped advisory lock on (workflow, key),
 * then, in a second statement, counts the RUNNING executions of the key and, below the limit, moves
 * the oldest PENDING one to RUNNING. Under READ COMMITTED each statement sees what was committed
 * before it began, so the count, taken after the lock, includes every claim of that key that
 * committed before; and only claims under that lock add RUNNING executions of a key, so two
 * claimers can never both see room for one more. Ends (COMPLETED, FAILED, CANCELED, WAITING) only
 * lower the count and take no lock. Both reads go through IDX_executions_concurrency, which holds
 * only limited PENDING and RUNNING rows.
 *
 * On PGlite every connection shares one session, which runs one statement at a time: there the claim
 * statement alone is already serialised with every other, and is sent without the transaction (whose
 * statements the shared session would interleave with other connections').
 */
@Injectable()
export class ConcurrencyRepository {
  private sessions: Promise<boolean> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** The oldest startable PENDING execution of (workflow, key), claimed for `owner` if the key has room; else null. */
  async claimNext(workflowId: string, key: string, owner: string, leaseMs: number): Promise<ClaimedExecution | null> {
    this.sessions ??= hasSessionPerConnection(this.dataSource);
    this.sessions.catch(() => (this.sessions = undefined));
    const claim = (manager: Pick<DataSource, 'query'>) => manager.query(CLAIM_NEXT, [workflowId, key, owner, leaseMs]);
    const claimed = !(await this.sessions)
      ? unwrapUpdate<ClaimedExecution>(await claim(this.dataSource))
      : await this.dataSource.transaction(async (manager) => {
          // hashtextextended: a 64-bit hash, so unrelated keys rarely share a lock (and sharing one only serialises their claims).
          await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${workflowId}/${key}`]);
          return unwrapUpdate<ClaimedExecution>(await claim(manager));
        });
    const execution = claimed[0];
    if (!execution) return null;
    execution.nodeExecutions = expandNodeRecords(execution.nodeExecutions, execution.triggerData);
    return execution;
  }

  /**
   * Keys that have a PENDING execution and room to start it, with that oldest execution, oldest
   * first: what no process started when a slot freed (the one whose run ended crashed, or had no
   * room itself). Reads only limited PENDING and RUNNING rows (IDX_executions_concurrency).
   */
  async findStartable(limit: number): Promise<Array<{ id: string; workflowId: string; concurrencyKey: string }>> {
    return this.dataSource.query(
      `SELECT k.id, k."workflowId", k."concurrencyKey"
         FROM (SELECT DISTINCT ON ("workflowId", "concurrencyKey") id, "workflowId", "concurrencyKey"
                 FROM workflow_executions
                WHERE "concurrencyKey" IS NOT NULL AND status = 'PENDING'
                ORDER BY "workflowId", "concurrencyKey", id) k
        WHERE (SELECT count(*) FROM workflow_executions r
                WHERE r."workflowId" = k."workflowId" AND r."concurrencyKey" = k."concurrencyKey" AND r.status = 'RUNNING')
              < ${CURRENT_LIMIT.replaceAll('$1', 'k."workflowId"')}
        ORDER BY k.id
        LIMIT $1`,
      [limit],
    );
  }
}
