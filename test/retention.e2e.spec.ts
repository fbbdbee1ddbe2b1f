import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { newId } from '../src/common/uuid.js';
import { ExecutionPartitionsRepository } from '../src/executions/partitions/execution-partitions.repository.js';
import { DaySummariesRepository } from '../src/executions/partitions/day-summaries.repository.js';
import { RetentionRepository } from '../src/executions/retention.repository.js';
import { RETENTION_BATCH, RetentionService } from '../src/executions/retention.service.js';
import { idMadeAt } from './support/factories.js';
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

  /** Inserts back-dated executions of a workflow of their own, ids made 40 days ago; returns their ids in order. */
  async function insert(workflowId: string, rows: Row[]): Promise<string[]> {
    const ids = rows.map(() => idMadeAt(Date.now() - 40 * 86_400_000));
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
    const { deleted } = await t.app.get(RetentionService).runOnce();
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
       SELECT overlay(gen_random_uuid()::text PLACING left(wfe_uuid_at(now() - interval '10 days')::text, 13) FROM 1)::uuid, $1, 1, gen_random_uuid(), 'webhook', 'COMPLETED', now() - interval '10 days', now() - interval '10 days', now() - interval '9 days'
         FROM generate_series(1, $2)`,
      [workflowId, total],
    );
    const [keep] = await insert(workflowId, [{ status: 'COMPLETED', endedDaysAgo: 0.1 }]);
    expect((await t.app.get(RetentionService).runOnce()).deleted).toBeGreaterThanOrEqual(total);
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
    const service = new RetentionService(t.app.get(RetentionRepository), t.app.get(ExecutionPartitionsRepository), t.app.get(DaySummariesRepository), { ...t.config, executionsRetentionDays: defaults.executionsRetentionDays });
    await service.runOnce();
    const left = await remaining(workflowId);
    expect(left.has(threeDays)).toBe(true);
    expect(left.has(twentyDays)).toBe(false);
    await db.query(`DELETE FROM workflow_executions WHERE "workflowId" = $1`, [workflowId]);
  });
});

describe('retention by daily partitions (docs/retention-and-sizing.md)', () => {
  let t: TestApp;
  let db: DataSource;
  let partitions: ExecutionPartitionsRepository;
  const DAY = 86_400_000;
  const today = Math.floor(Date.now() / DAY) * DAY;
  beforeAll(async () => {
    t = await startTestApp({ EXECUTIONS_RETENTION_DAYS: '1', EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    db = t.app.get(DataSource);
    partitions = t.app.get(ExecutionPartitionsRepository);
  });
  afterAll(() => t.close());

  async function insertAt(day: number, status: string, endedDaysAgo: number | null, idempotencyKey: string | null = null): Promise<string> {
    const id = idMadeAt(day + 3_600_000);
    await db.query(
      `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "webhookId", "userId", mode, status, "idempotencyKey", "createdAt", "startedAt", "completedAt", "nodeExecutions")
       VALUES ($1, $2, 1, $3, $2, 'webhook', $4, $5, $6, $6, CASE WHEN $7::float8 IS NULL THEN NULL ELSE now() - make_interval(secs => $7::float8 * 86400) END, '[{"nodeId":"a"}]')`,
      [id, newId(), idempotencyKey ? newId() : null, status, idempotencyKey, new Date(day + 3_600_000), endedDaysAgo],
    );
    return id;
  }

  async function partitionOf(id: string): Promise<string | undefined> {
    const rows: Array<{ partition: string }> = await db.query('SELECT tableoid::regclass::text AS partition FROM workflow_executions WHERE id = $1', [id]);
    return rows[0]?.partition;
  }

  it('has today and the next days partitioned ahead once the service runs', async () => {
    const names = (await partitions.dailyPartitions()).map((p) => p.day);
    for (let i = 0; i <= 3; i++) expect(names).toContain(today + i * DAY);
    expect(await partitionOf(await insertAt(today, 'COMPLETED', 0))).toBe(`workflow_executions_p${new Date(today).toISOString().slice(0, 10).replaceAll('-', '')}`);
  });

  it('drops a day whose every execution ended past retention, and moves the ones that have not ended out first', async () => {
    const day = today - 10 * DAY;
    expect(await partitions.ensureDays(day, 1)).toEqual([partitionNameOf(day)]);
    const completed = await insertAt(day, 'COMPLETED', 9);
    const failed = await insertAt(day, 'FAILED', 9.5);
    const running = await insertAt(day, 'RUNNING', null);
    const waiting = await insertAt(day, 'WAITING', null);
    expect(await partitionOf(completed)).toBe(partitionNameOf(day));

    const pass = await t.app.get(RetentionService).runOnce();
    expect(pass.dropped).toEqual([{ name: partitionNameOf(day), day, moved: 2 }]);
    expect((await partitions.list()).map((p) => p.name)).not.toContain(partitionNameOf(day));
    expect(await partitionOf(completed)).toBeUndefined();
    expect(await partitionOf(failed)).toBeUndefined();
    // Not ended: still there, whole, in the default partition.
    expect(await partitionOf(running)).toBe('workflow_executions_default');
    const [row] = await db.query('SELECT status, "nodeExecutions" FROM workflow_executions WHERE id = $1', [waiting]);
    expect(row).toEqual({ status: 'WAITING', nodeExecutions: [{ nodeId: 'a' }] });
    await db.query('DELETE FROM workflow_executions WHERE id = ANY($1::uuid[])', [[running, waiting]]);
  });

  it('keeps a day while one of its executions ended within retention, or a keyed one within 4 days', async () => {
    const lateDay = today - 12 * DAY;
    const keyedDay = today - 6 * DAY;
    await partitions.ensureDays(lateDay, 1);
    await partitions.ensureDays(keyedDay, 1);
    const old = await insertAt(lateDay, 'COMPLETED', 11);
    const late = await insertAt(lateDay, 'COMPLETED', 0.5);
    const keyed = await insertAt(keyedDay, 'COMPLETED', 3, 'evt_recent');
    const pass = await t.app.get(RetentionService).runOnce();
    expect(pass.dropped.map((p) => p.name)).not.toContain(partitionNameOf(lateDay));
    expect(pass.dropped.map((p) => p.name)).not.toContain(partitionNameOf(keyedDay));
    for (const id of [old, late, keyed]) expect(await partitionOf(id)).toBeDefined();

    // Once the late one is past retention too, the whole day goes.
    await db.query(`UPDATE workflow_executions SET "completedAt" = now() - interval '2 days' WHERE id = $1`, [late]);
    const next = await t.app.get(RetentionService).runOnce();
    expect(next.dropped.map((p) => p.name)).toContain(partitionNameOf(lateDay));
    expect(await partitionOf(old)).toBeUndefined();
    await db.query('DELETE FROM workflow_executions WHERE id = $1', [keyed]);
    await db.query(`DROP TABLE ${partitionNameOf(keyedDay)}`);
  });

  it('creates a day that the default partition already holds rows of, moving them in', async () => {
    const day = today + 20 * DAY;
    const early = await insertAt(day, 'PENDING', null);
    expect(await partitionOf(early)).toBe('workflow_executions_default');
    // Two replicas at once: one creates, the other finds the lock taken or nothing left to do.
    const [a, b] = await Promise.all([partitions.ensureDays(day, 1), partitions.ensureDays(day, 1)]);
    expect([...(a ?? []), ...(b ?? [])]).toEqual([partitionNameOf(day)]);
    expect(await partitionOf(early)).toBe(partitionNameOf(day));
    await db.query(`DROP TABLE ${partitionNameOf(day)}`);
  });
});

function partitionNameOf(day: number): string {
  return `workflow_executions_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}
