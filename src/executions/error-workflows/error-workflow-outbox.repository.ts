import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { WorkflowSettings } from '../../workflows/workflow.types.js';
import type { NodeExecution, TriggerData } from '../execution.types.js';
import { sizeBytesSql } from '../execution-size.js';
import { toJsonb } from '../node-records.js';

/** A FAILED execution waiting for its error workflow, with what is needed to start it. */
export interface FailedExecution {
  id: string;
  workflowId: string;
  workflowName: string | null;
  mode: string;
  error: string | null;
  nodeExecutions: NodeExecution[];
  startedAt: Date | null;
  completedAt: Date | null;
  /** The error workflow resolved from the workflow's `settings.errorWorkflow` or the instance default; null: none. */
  errorWorkflowId: string | null;
  errorWorkflowVersion: number | null;
  errorWorkflowOwnerId: string | null;
  /** The error workflow's current settings. */
  errorWorkflowSettings: WorkflowSettings | null;
}

/** An error execution to insert (PENDING, mode error). */
export interface ErrorExecution {
  id: string;
  /** The FAILED execution it reports. */
  failedExecutionId: string;
  workflowId: string;
  workflowVersion: number;
  userId: string;
  /** Set when the error workflow has a concurrency limit (docs/concurrency.md). */
  concurrencyKey?: string | null;
  triggerData: TriggerData;
  createdAt: Date;
}

/**
 * `error_workflow_outbox`, written by the database trigger of migration FailureHandling in the
 * transaction that stores a FAILED state, and emptied here by the statement that starts the error
 * execution: each FAILED execution gets exactly one, whatever crashes and however many replicas run.
 */
@Injectable()
export class ErrorWorkflowOutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` waiting rows, oldest first, with their error workflow resolved. Takes no lock.
   * A read-only join of tables owned elsewhere (workflow_executions, workflows, instance_settings):
   * resolving the error workflow is one statement per batch of failures, where their owners'
   * methods would take three, and the relay's poll runs in every executing replica.
   */
  pending(limit: number): Promise<FailedExecution[]> {
    // The workflow's setting wins: 'none' turns error workflows off for it, an id names one, and
    // without the setting the instance default applies. An error workflow deleted since resolves to null.
    return this.dataSource.query(
      `SELECT o."executionId" AS id, e."workflowId", w.name AS "workflowName", e.mode, e.error, e."nodeExecutions", e."startedAt", e."completedAt",
              ew.id AS "errorWorkflowId", ew.version AS "errorWorkflowVersion", ew."ownerId" AS "errorWorkflowOwnerId",
              ew.settings AS "errorWorkflowSettings"
         FROM error_workflow_outbox o
         LEFT JOIN workflow_executions e ON e.id = o."executionId"
         LEFT JOIN workflows w ON w.id = e."workflowId"
         LEFT JOIN instance_settings s ON s.id = 1
         LEFT JOIN workflows ew ON ew.id = CASE
              WHEN w.settings->>'errorWorkflow' = 'none' THEN NULL
              WHEN w.settings ? 'errorWorkflow' THEN (w.settings->>'errorWorkflow')::uuid
              ELSE s."defaultErrorWorkflowId" END
        ORDER BY o."createdAt", o."executionId"
        LIMIT $1`,
      [limit],
    );
  }

  /**
   * Removes the rows of `failedIds` and inserts the error executions of the rows this statement
   * removed, in one statement: when replicas race for a row, only the one whose DELETE took it
   * inserts, so each FAILED execution gets exactly one error execution. Answers those inserted.
   */
  async start(failedIds: string[], executions: ErrorExecution[]): Promise<ErrorExecution[]> {
    const batch = toJsonb(
      executions.map((row) => ({ id: row.id, failed: row.failedExecutionId, wf: row.workflowId, ver: row.workflowVersion, usr: row.userId, trigger: row.triggerData, created: row.createdAt.toISOString(), ckey: row.concurrencyKey ?? null })),
    );
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH taken AS (DELETE FROM error_workflow_outbox WHERE "executionId" = ANY($1::uuid[]) RETURNING "executionId")
       INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "triggerData", "nodeExecutions", "createdAt", attempt, "concurrencyKey", "sizeBytes")
       SELECT v.id, v.wf, v.ver, NULL, v.usr, 'error', 'PENDING', v.trigger, '[]'::jsonb, v.created, 0, v.ckey, ${sizeBytesSql({ trigger: 'v.trigger', nodes: "'[]'::jsonb" })}
         FROM jsonb_to_recordset($2::jsonb) AS v(id uuid, failed uuid, wf uuid, ver int, usr uuid, trigger jsonb, created timestamptz, ckey text)
         JOIN taken ON taken."executionId" = v.failed
       RETURNING id`,
      [failedIds, batch],
    );
    const inserted = new Set(rows.map((row) => row.id));
    return executions.filter((row) => inserted.has(row.id));
  }
}
