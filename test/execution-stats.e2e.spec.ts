import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/common/uuid.js';
import { ExecutionsRepository, ID_TIME_SLACK_MS } from '../src/executions/executions.repository.js';
import { ExecutionPartitionsRepository, partitionName } from '../src/executions/partitions/execution-partitions.repository.js';
import { RetentionService } from '../src/executions/retention.service.js';
import { createWebhook, createWorkflow, idMadeAt, waitForExecution, waitForStatus, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;

/** The four values as they take on disk now (compressed when PostgreSQL compressed them). */
const STORED_SIZE = `COALESCE(pg_column_size("triggerData"), 0) + COALESCE(pg_column_size("nodeExecutions"), 0)
  + COALESCE(pg_column_size("webhookResponse"), 0) + COALESCE(pg_column_size(error), 0)`;
/** The four values uncompressed (concatenating an empty value answers the other one detoasted). */
const FULL_SIZE = `COALESCE(pg_column_size("triggerData" || '{}'::jsonb), 0) + COALESCE(pg_column_size("nodeExecutions" || '[]'::jsonb), 0)
  + COALESCE(pg_column_size("webhookResponse" || '{}'::jsonb), 0) + COALESCE(pg_column_size(error || ''), 0)`;

describe('sizeBytes and GET /executions/stats (docs/retention-and-sizing.md)', () => {
  let t: TestApp;
  let db: DataSource;
  let member: Awaited<ReturnType<TestApp['createMember']>>;
  let stranger: Awaited<ReturnType<TestApp['createMember']>>;
  /** The member's workflow, and one of the admin's (some of whose executions the member started). */
  let ownWorkflow: string;
  let otherWorkflow: string;
  /** Two old UTC days: the first expired (retention drops it), the second with recently ended executions (kept). */
  const today = Math.floor(Date.now() / DAY) * DAY;
  const [oldDay, keptDay] = [today - 50 * DAY, today - 49 * DAY];
  const ids: Record<string, string> = {};
  let hour = 0;

  async function insert(name: string, day: number, workflowId: string, userId: string, status: string, sizeBytes: number | null, endedRecently: boolean): Promise<void> {
    const at = day + ++hour * 60_000;
    ids[name] = idMadeAt(at);
    await db.query(
      `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "createdAt", "startedAt", "completedAt", "sizeBytes")
       VALUES ($1, $2, 1, $3, 'manual', $4, $5, $5, CASE WHEN $4 IN ('COMPLETED', 'FAILED', 'CANCELED') THEN (CASE WHEN $7 THEN now() - interval '1 minute' ELSE $5 END) END, $6)`,
      [ids[name], workflowId, userId, status, new Date(at), sizeBytes, endedRecently],
    );
  }

  const stats = (query: Record<string, string>, auth = t.admin) => t.http.get('/executions/stats').query(query).set(auth);
  const range = (from: number, to: number) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  const both = range(oldDay, keptDay + DAY - 1);
  const counts = (byStatus: Record<string, number>) => ({ PENDING: 0, RUNNING: 0, WAITING: 0, COMPLETED: 0, FAILED: 0, CANCELED: 0, ...byStatus });

  beforeAll(async () => {
    t = await startTestApp({ EXECUTIONS_RETENTION_DAYS: '1', EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    db = t.app.get(DataSource);
    member = await t.createMember('stats-member');
    stranger = await t.createMember('stats-stranger');
    const body = workflowBody([{ name: 'Start', type: 'trigger' }], []);
    ownWorkflow = (await createWorkflow(t, body, member.auth)).id;
    otherWorkflow = (await createWorkflow(t, body)).id;
    await t.app.get(ExecutionPartitionsRepository).ensureDays(oldDay, 2);
    await insert('old1', oldDay, ownWorkflow, member.id, 'COMPLETED', 100, false);
    await insert('old2', oldDay, ownWorkflow, member.id, 'COMPLETED', 150, false);
    await insert('old3', oldDay, ownWorkflow, member.id, 'FAILED', 300, false);
    await insert('kept1', keptDay, ownWorkflow, member.id, 'COMPLETED', 120, true);
    await insert('kept2', keptDay, ownWorkflow, member.id, 'PENDING', 80, false);
    await insert('kept3', keptDay, ownWorkflow, member.id, 'WAITING', null, false);
    await insert('other1', keptDay, otherWorkflow, newId(), 'COMPLETED', 500, true);
    await insert('other2', keptDay, otherWorkflow, member.id, 'FAILED', 700, true);
  });
  afterAll(async () => {
    await db.query('DELETE FROM workflow_executions WHERE "workflowId" = ANY($1)', [[ownWorkflow, otherWorkflow]]);
    for (const day of [oldDay, keptDay]) await db.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
    await t.close();
  });

  it('records sizeBytes at every write of the execution: insert, wait, cancel (a row too small to be compressed: exact)', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Pause', type: 'wait', parameters: { mode: 'duration', durationMs: 60_000 } },
        ],
        [['Start', 'Pause']],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({ order: 'x'.repeat(20) }).expect(202)).body;
    const stored = async () => {
      const [row]: Array<{ sizeBytes: number; expected: number }> = await db.query(`SELECT "sizeBytes", ${STORED_SIZE} AS expected FROM workflow_executions WHERE id = $1`, [executionId]);
      return row;
    };
    const waiting = await waitForStatus(t, executionId, ['WAITING']);
    const atWait = await stored();
    // Exact but for the length headers: a short value has one byte of header on disk, four in memory.
    const near = (size: number, stored: number) => expect(Math.abs(size - stored)).toBeLessThanOrEqual(12);
    near(waiting.sizeBytes, atWait.expected);
    expect(waiting.sizeBytes).toBeGreaterThan(20);
    const canceled = (await t.http.post(`/executions/${executionId}/cancel`).set(t.admin).expect(200)).body;
    const atCancel = await stored();
    near(canceled.sizeBytes, atCancel.expected);
    // The cancel wrote final node records and an error: the size follows.
    expect(canceled.sizeBytes).toBeGreaterThan(waiting.sizeBytes);
    const listed = await t.http.get(`/executions/workflow/${workflow.id}`).set(t.admin).expect(200);
    expect(listed.body.items[0].sizeBytes).toBe(canceled.sizeBytes);
  });

  it('records the final size of a run that completes: between what its row takes on disk and its values uncompressed', async () => {
    const workflow = await createWorkflow(
      t,
      workflowBody(
        [
          { name: 'Start', type: 'trigger' },
          { name: 'Shape', type: 'set', parameters: { values: { echoed: '{{ $json.body.text }}' } } },
        ],
        [['Start', 'Shape']],
      ),
    );
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).send({ text: 'y'.repeat(3000) }).expect(202)).body;
    const done = await waitForExecution(t, executionId);
    const [row]: Array<{ stored: number; full: number }> = await db.query(`SELECT ${STORED_SIZE} AS stored, ${FULL_SIZE} AS full FROM workflow_executions WHERE id = $1`, [executionId]);
    // PostgreSQL compressed this row's largest values: the trigger data, kept from the insert, counts
    // as stored; the node records, written by the completing statement, as they were written.
    expect(row.stored).toBeLessThan(row.full);
    expect(done.sizeBytes).toBeGreaterThanOrEqual(row.stored);
    expect(done.sizeBytes).toBeLessThanOrEqual(row.full);
  });

  it('counts by status and sums sizes over a time range, for one workflow or all', async () => {
    const own = await stats({ workflowId: ownWorkflow, ...both }).expect(200);
    expect(own.body).toEqual({ workflowId: ownWorkflow, ...both, total: 6, byStatus: counts({ COMPLETED: 3, FAILED: 1, PENDING: 1, WAITING: 1 }), sizeBytes: 750 });
    const oneDay = await stats({ workflowId: ownWorkflow, ...range(oldDay, oldDay + DAY - 1) }).expect(200);
    expect(oneDay.body).toMatchObject({ total: 3, byStatus: counts({ COMPLETED: 2, FAILED: 1 }), sizeBytes: 550 });
    // `to` is inclusive, to the millisecond of the id: only the first execution of the day.
    const first = await stats({ workflowId: ownWorkflow, ...range(oldDay, oldDay + 60_000) }).expect(200);
    expect(first.body.total).toBe(1);
    const all = await stats(both).expect(200);
    expect(all.body).toMatchObject({ workflowId: null, total: 8, byStatus: counts({ COMPLETED: 4, FAILED: 2, PENDING: 1, WAITING: 1 }), sizeBytes: 1950 });
  });

  it('follows status changes at once', async () => {
    await t.http.post(`/executions/${ids.kept2}/cancel`).set(t.admin).expect(200);
    const [{ size }] = await db.query('SELECT "sizeBytes" AS size FROM workflow_executions WHERE id = $1', [ids.kept2]);
    const own = await stats({ workflowId: ownWorkflow, ...both }).expect(200);
    expect(own.body).toMatchObject({ total: 6, byStatus: counts({ COMPLETED: 3, FAILED: 1, CANCELED: 1, WAITING: 1 }), sizeBytes: 670 + size });
  });

  it('shows a member the executions the list shows them: their workflows, and those they started', async () => {
    const mine = await stats(both, member.auth).expect(200);
    expect(mine.body).toMatchObject({ total: 7, byStatus: counts({ COMPLETED: 3, FAILED: 2, CANCELED: 1, WAITING: 1 }) });
    const started = await stats({ workflowId: otherWorkflow, ...both }, member.auth).expect(200);
    expect(started.body).toMatchObject({ total: 1, byStatus: counts({ FAILED: 1 }), sizeBytes: 700 });
    const own = await stats({ workflowId: ownWorkflow, ...both }, member.auth).expect(200);
    expect(own.body.total).toBe(6);
    const nothing = await stats({ workflowId: ownWorkflow, ...both }, stranger.auth).expect(200);
    expect(nothing.body).toMatchObject({ total: 0, sizeBytes: 0, byStatus: counts({}) });
  });

  it('keeps counting right when retention drops a day', async () => {
    const { dropped } = await t.app.get(RetentionService).runOnce();
    expect(dropped.map((p) => p.name)).toContain(partitionName(oldDay));
    expect(dropped.map((p) => p.name)).not.toContain(partitionName(keptDay));
    const gone = await stats({ workflowId: ownWorkflow, ...range(oldDay, oldDay + DAY - 1) }).expect(200);
    expect(gone.body).toMatchObject({ total: 0, sizeBytes: 0 });
    const own = await stats({ workflowId: ownWorkflow, ...both }).expect(200);
    expect(own.body).toMatchObject({ total: 3, byStatus: counts({ COMPLETED: 1, CANCELED: 1, WAITING: 1 }) });
  });

  it('answers a closed day from its summary once all its executions ended, exactly, until retention drops the day', async () => {
    const summaryDay = today - 40 * DAY;
    const name = partitionName(summaryDay);
    await t.app.get(ExecutionPartitionsRepository).ensureDays(summaryDay, 1);
    // Ended within retention (EXECUTIONS_RETENTION_DAYS=1), so retention keeps the day.
    await insert('sum1', summaryDay, ownWorkflow, member.id, 'COMPLETED', 100, true);
    await insert('sum2', summaryDay, ownWorkflow, member.id, 'FAILED', 200, true);
    await insert('sum3', summaryDay, otherWorkflow, member.id, 'COMPLETED', 40, true);
    await insert('sum4', summaryDay, otherWorkflow, newId(), 'COMPLETED', 60, true);
    await insert('sum5', summaryDay, ownWorkflow, member.id, 'WAITING', 10, false);
    const day = range(summaryDay, summaryDay + DAY - 1);
    const summarizedDays = async () => (await db.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM execution_summarized_days`)).map((row: { day: string }) => row.day);
    const retention = t.app.get(RetentionService);

    // A day with an execution that has not ended is not summarized: its counts still change.
    expect((await retention.runOnce()).summarized).not.toContain(name);
    await t.http.post(`/executions/${ids.sum5}/cancel`).set(t.admin).expect(200);
    const [{ size }] = await db.query('SELECT "sizeBytes" AS size FROM workflow_executions WHERE id = $1', [ids.sum5]);
    const live = {
      own: (await stats({ workflowId: ownWorkflow, ...day }).expect(200)).body,
      all: (await stats(day).expect(200)).body,
      member: (await stats(day, member.auth).expect(200)).body,
    };
    expect(live.own).toMatchObject({ total: 3, byStatus: counts({ COMPLETED: 1, FAILED: 1, CANCELED: 1 }), sizeBytes: 300 + size });
    expect(live.all).toMatchObject({ total: 5, sizeBytes: 400 + size });
    // Their own workflow's three, and the one they started of the admin's.
    expect(live.member).toMatchObject({ total: 4, sizeBytes: 340 + size });

    expect((await retention.runOnce()).summarized).toContain(name);
    expect(await summarizedDays()).toContain(new Date(summaryDay).toISOString().slice(0, 10));
    // A second pass leaves a summarized day alone.
    expect((await retention.runOnce()).summarized).not.toContain(name);
    // The same answers, now from the summary: a row removed behind the service's back does not change
    // them, while a range that is not the whole day is still read from the executions.
    await db.query('DELETE FROM workflow_executions WHERE id = $1', [ids.sum4]);
    expect((await stats({ workflowId: ownWorkflow, ...day }).expect(200)).body).toEqual(live.own);
    expect((await stats(day).expect(200)).body).toEqual(live.all);
    expect((await stats(day, member.auth).expect(200)).body).toEqual(live.member);
    expect((await stats(range(summaryDay, summaryDay + DAY - 2)).expect(200)).body).toMatchObject({ total: 4, sizeBytes: 340 + size });
    // A range of the summarized day and parts of the days around it adds both.
    const around = range(summaryDay - 3_600_000, summaryDay + DAY + 3_600_000);
    expect((await stats(around).expect(200)).body).toMatchObject({ total: 5, byStatus: live.all.byStatus, sizeBytes: live.all.sizeBytes });

    // Dropping the day's partition deletes its summary in the same transaction.
    const future = new Date(Date.now() + DAY);
    expect(await t.app.get(ExecutionPartitionsRepository).dropExpired(name, future, future)).toBe(0);
    expect(await summarizedDays()).not.toContain(new Date(summaryDay).toISOString().slice(0, 10));
    expect((await stats(day).expect(200)).body).toMatchObject({ total: 0, sizeBytes: 0 });
  });

  it('summarizes a day only once its end is more than the clock slack of an id behind: a late id may still carry its time', async () => {
    const graceDay = today - 45 * DAY;
    const name = partitionName(graceDay);
    await t.app.get(ExecutionPartitionsRepository).ensureDays(graceDay, 1);
    await insert('grace1', graceDay, ownWorkflow, member.id, 'COMPLETED', 100, true);
    const retention = t.app.get(RetentionService);
    const dayEnd = graceDay + DAY;
    try {
      expect(await retention.summarizeClosedDays(dayEnd + ID_TIME_SLACK_MS - 60_000)).not.toContain(name);
      expect(await retention.summarizeClosedDays(dayEnd + ID_TIME_SLACK_MS + 60_000)).toContain(name);
    } finally {
      await db.query(`DROP TABLE ${name}`);
      await db.query('DELETE FROM execution_summarized_days WHERE day = $1::date', [new Date(graceDay).toISOString().slice(0, 10)]);
    }
  });

  it('answers 400 naming the bad parameter', async () => {
    const message = async (query: Record<string, string>) => {
      const response = await stats(query).expect(400);
      return JSON.stringify(response.body.message);
    };
    expect(await message({ workflowId: 'nope' })).toContain('workflowId');
    expect(await message({ from: 'yesterday' })).toContain('from');
    expect(await message({ to: '2026-13-45T00:00:00Z' })).toContain('to');
    expect(await message(range(keptDay, oldDay))).toContain('from must not be after to');
    expect(await message(range(oldDay, oldDay + 32 * DAY))).toContain('31 days');
    expect(await message({ status: 'FAILED' })).toContain('status');
    await t.http.get('/executions/stats').expect(401);
  });

  it('is answered from IDX_executions_workflow_status_id, which also serves the status filter', async () => {
    const repository = t.app.get(ExecutionsRepository);
    const [sql, parameters] = repository.listQuery({ workflowId: ownWorkflow, status: 'FAILED' }, 50, undefined, false).getQueryAndParameters();
    const indexesOf = async (query: string, values: unknown[]): Promise<string[]> => {
      // Tiny test partitions would be read whole: the plan a large table gets is the one asked for.
      return db.transaction(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        await manager.query('SET LOCAL enable_bitmapscan = off');
        const [{ 'QUERY PLAN': plan }] = await manager.query(`EXPLAIN (FORMAT JSON) ${query}`, values);
        const names = new Set<string>();
        const walk = (node: Record<string, unknown>) => {
          if (typeof node['Index Name'] === 'string') names.add(`${node['Node Type']} ${node['Index Name']}`);
          for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
        };
        walk((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan);
        return [...names];
      });
    };
    const failed = await indexesOf(sql, parameters);
    expect(failed.length).toBeGreaterThan(0);
    for (const name of failed) expect(name).toMatch(/^Index Scan .*workflowId_status_id/);
    const counted = await indexesOf(
      `SELECT status, count(*), sum("sizeBytes") FROM workflow_executions e WHERE e.id >= $1 AND e.id < $2 AND e."workflowId" = $3 GROUP BY status`,
      [idMadeAt(keptDay), idMadeAt(keptDay + DAY), ownWorkflow],
    );
    // The day's partition, and the default one, which may hold any id.
    expect(counted.length).toBeGreaterThan(0);
    for (const name of counted) expect(name).toMatch(/^Index Only Scan .*workflowId_status_id/);
  });
});
