import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/common/uuid.js';
import { ExecutionsRepository, type ExecutionFilter } from '../src/executions/executions.repository.js';
import { ExecutionPartitionsRepository, partitionName } from '../src/executions/partitions/execution-partitions.repository.js';
import { idMadeAt } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;

/** Reads over the daily partitions (docs/retention-and-sizing.md): right answers, and only the partitions they need. */
describe('execution history across daily partitions', () => {
  let t: TestApp;
  let db: DataSource;
  const today = Math.floor(Date.now() / DAY) * DAY;
  const days = [today - 3 * DAY, today - 2 * DAY, today - DAY];
  const workflowId = newId();
  /** Per past day: 5 executions (ids oldest first), the middle one FAILED and mode 'schedule'. */
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    db = t.app.get(DataSource);
    await t.app.get(ExecutionPartitionsRepository).ensureDays(days[0], 3);
    for (const day of [...days, today]) {
      for (let i = 0; i < 5; i++) {
        const at = day === today ? Date.now() - 60_000 + i : day + (i + 1) * 3_600_000;
        const id = idMadeAt(at);
        ids.push(id);
        await db.query(
          `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "createdAt", "startedAt", "completedAt")
           VALUES ($1, $2, 1, $2, $3, $4, $5, $5, $5)`,
          [id, workflowId, i === 2 ? 'schedule' : 'manual', i === 2 ? 'FAILED' : 'COMPLETED', new Date(at)],
        );
      }
    }
  });
  afterAll(async () => {
    await db.query('DELETE FROM workflow_executions WHERE "workflowId" = $1', [workflowId]);
    for (const day of days) await db.query(`DROP TABLE IF EXISTS ${partitionName(day)}`);
    await t.close();
  });

  /** The partitions a query's plan reads (after plan-time pruning). */
  async function partitionsRead(sql: string, parameters: unknown[]): Promise<string[]> {
    const [{ 'QUERY PLAN': plan }] = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters);
    const names = new Set<string>();
    const walk = (node: Record<string, unknown>) => {
      if (typeof node['Relation Name'] === 'string') names.add(node['Relation Name']);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    walk((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan);
    return [...names].sort();
  }

  function listPartitions(filter: ExecutionFilter, cursor?: string): Promise<string[]> {
    const [sql, parameters] = t.app.get(ExecutionsRepository).listQuery(filter, 50, cursor, false).getQueryAndParameters();
    return partitionsRead(sql, parameters);
  }

  it('pages a workflow newest first across partition boundaries, with no row missed or repeated', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await t.http.get(`/executions/workflow/${workflowId}`).query({ limit: 3, ...(cursor && { cursor }) }).set(t.admin);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status, mode and time range', async () => {
    const failed = await t.http.get('/executions').query({ workflowId, status: 'FAILED' }).set(t.admin);
    expect(failed.body.items.map((item: { id: string }) => item.id)).toEqual([ids[17], ids[12], ids[7], ids[2]]);
    const scheduled = await t.http.get('/executions').query({ workflowId, mode: 'schedule' }).set(t.admin);
    expect(scheduled.body.items.map((item: { id: string }) => item.id)).toEqual([ids[17], ids[12], ids[7], ids[2]]);
    const dayBefore = await t.http
      .get('/executions')
      .query({ workflowId, from: new Date(days[1]).toISOString(), to: new Date(days[1] + DAY - 1).toISOString() })
      .set(t.admin);
    expect(dayBefore.body.items.map((item: { id: string }) => item.id)).toEqual(ids.slice(5, 10).reverse());
    const badMode = await t.http.get('/executions').query({ mode: 'sometimes' }).set(t.admin);
    expect(badMode.status).toBe(400);
  });

  it('reads only the partitions a query needs', async () => {
    // By id: the one partition of its day.
    expect(await partitionsRead('SELECT * FROM workflow_executions WHERE id = $1', [ids[7]])).toEqual([partitionName(days[1])]);
    // A time range: its day (and the partitions its hour of slack touches), never the others.
    const ranged = await listPartitions({ workflowId, status: 'FAILED', from: new Date(days[1] + 2 * 3_600_000), to: new Date(days[1] + 20 * 3_600_000) });
    expect(ranged).toEqual([partitionName(days[1])]);
    // A cursor in the day before yesterday: nothing newer is read.
    const deep = await listPartitions({ workflowId }, ids[7]);
    expect(deep).not.toContain(partitionName(today));
    expect(deep).not.toContain(partitionName(days[2]));
    expect(deep).toContain(partitionName(days[1]));
  });
});
