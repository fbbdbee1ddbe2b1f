import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { newId } from '../src/common/uuid.js';
import { RetentionRepository } from '../src/executions/retention.repository.js';
import { RETENTION_BATCH, RetentionService } from '../src/executions/retention.service.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Row {
  status: string;
  /** Days since the execution ended; null: not ended. */
  endedDaysAgo: number | null;
  idempotencyKey?: string;
}

describe('execution retention (docs/executions.md)', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    // The background pass waits a whole interval before its first run: this test drives it by hand.
    t = await startTestApp({ EXECUTIONS_RETENTION_DAYS: '1', EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  /** Inserts back-dated executions of a workflow of their own; returns their ids in order. */
  async function insert(workflowId: string, rows: Row[]): Promise<string[]> {
    const ids = rows.map(() => newId());
    for (const [index, row] of rows.entries()) {
      await db.query(
        `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "idempotencyKey", "createdAt", "startedAt", "completedAt")
         VALUES ($1, $2, 1, $3, $4, 'webhook', $5, $6, now() - interval '40 days', now() - interval '40 days',
                 CASE WHEN $7::float8 IS NULL THEN NULL ELSE now() - make_interval(secs => $7::float8 * 86400) END)`,
        [ids[index], workflowId, row.idempotencyKey ? newId() : null, newId(), row.status, row.idempotencyKey ?? null, row.endedDaysAgo],
      );
    }
    return ids;
  }

  async function remaining(workflowId: string): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await db.query('SELECT id FROM workflow_executions WHERE "workflowId" = $1', [workflowId]);
    return new Set(rows.map((row) => row.id));
  }

  it('deletes ended executions past the retention period and keeps recent, running and waiting ones', async () => {
    const workflowId = newId();
    const [completedOld, failedOld, canceledOld, completedRecent, running, pending, waiting, failedRecent] = await insert(workflowId, [
      { status: 'COMPLETED', endedDaysAgo: 3 },
      { status: 'FAILED', endedDaysAgo: 1.5 },
      { status: 'CANCELED', endedDaysAgo: 30 },
      { status: 'COMPLETED', endedDaysAgo: 0.5 },
      { status: 'RUNNING', endedDaysAgo: null },
      { status: 'PENDING', endedDaysAgo: null },
      { status: 'WAITING', endedDaysAgo: null },
      { status: 'FAILED', endedDaysAgo: 0.9 },
    ]);
    const deleted = await t.app.get(RetentionService).runOnce();
    expect(deleted).toBeGreaterThanOrEqual(3);
    const left = await remaining(workflowId);
    for (const id of [completedOld, failedOld, canceledOld]) expect(left.has(id)).toBe(false);
    for (const id of [completedRecent, running, pending, waiting, failedRecent]) expect(left.has(id)).toBe(true);
    await db.query(`DELETE FROM workflow_executions WHERE "workflowId" = $1`, [workflowId]);
  });

  it('keeps executions with an idempotency key for at least 4 days, so redeliveries still deduplicate', async () => {
    const workflowId = newId();
    const [keyedYoung, keyedOld, unkeyed] = await insert(workflowId, [
      { status: 'COMPLETED', endedDaysAgo: 3.5, idempotencyKey: 'evt_young' },
      { status: 'COMPLETED', endedDaysAgo: 4.5, idempotencyKey: 'evt_old' },
      { status: 'COMPLETED', endedDaysAgo: 3.5 },
    ]);
    await t.app.get(RetentionService).runOnce();
    const left = await remaining(workflowId);
    expect(left.has(keyedYoung)).toBe(true);
    expect(left.has(keyedOld)).toBe(false);
    expect(left.has(unkeyed)).toBe(false);
    await db.query(`DELETE FROM workflow_executions WHERE "workflowId" = $1`, [workflowId]);
  });

  it('works through a backlog larger than one batch in a single pass', async () => {
    const workflowId = newId();
    const total = RETENTION_BATCH * 2 + 137;
    await db.query(
      `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "createdAt", "startedAt", "completedAt")
       SELECT gen_random_uuid(), $1, 1, gen_random_uuid(), 'webhook', 'COMPLETED', now() - interval '10 days', now() - interval '10 days', now() - interval '9 days'
         FROM generate_series(1, $2)`,
      [workflowId, total],
    );
    const [keep] = await insert(workflowId, [{ status: 'COMPLETED', endedDaysAgo: 0.1 }]);
    expect(await t.app.get(RetentionService).runOnce()).toBeGreaterThanOrEqual(total);
    expect([...(await remaining(workflowId))]).toEqual([keep]);
    await db.query(`DELETE FROM workflow_executions WHERE "workflowId" = $1`, [workflowId]);
  });

  it('follows EXECUTIONS_RETENTION_DAYS: with the default 14 days a 3-day-old execution stays', async () => {
    const workflowId = newId();
    const [threeDays, twentyDays] = await insert(workflowId, [
      { status: 'COMPLETED', endedDaysAgo: 3 },
      { status: 'FAILED', endedDaysAgo: 20 },
    ]);
    const defaults = loadConfig({});
    expect(defaults.executionsRetentionDays).toBe(14);
    const service = new RetentionService(t.app.get(RetentionRepository), { ...t.config, executionsRetentionDays: defaults.executionsRetentionDays });
    await service.runOnce();
    const left = await remaining(workflowId);
    expect(left.has(threeDays)).toBe(true);
    expect(left.has(twentyDays)).toBe(false);
    await db.query(`DELETE FROM workflow_executions WHERE "workflowId" = $1`, [workflowId]);
  });
});
