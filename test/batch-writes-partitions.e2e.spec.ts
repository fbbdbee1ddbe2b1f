import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { idAtTime } from '../src/common/uuid.js';
import { DAY_MS } from '../src/executions/partitions/execution-partitions.repository.js';
import { ExecutionsRepository } from '../src/executions/executions.repository.js';
import { createWorkflow, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** A UUIDv7 of the millisecond `ms`: its day decides the partition its row lands in. */
const idMadeAt = (ms: number) => {
  const random = randomBytes(9).toString('hex');
  return `${idAtTime(ms).slice(0, 14)}7${random.slice(0, 3)}-8${random.slice(3, 6)}-${random.slice(6, 18)}`;
};

/**
 * The batch writes of final states and progress (completeMany, saveProgressMany) join the rows to
 * a batch document and bound the join by the batch's lowest and highest id, so that PostgreSQL
 * plans and opens only the partitions those ids fall in. The bound must never leave a row of the
 * batch out: a batch whose executions were made on different days (a run resumed after a wait of
 * days, beside today's), or that names an id in capitals, still writes every row.
 */
describe('batch writes of executions made on different days', () => {
  let t: TestApp;
  let db: DataSource;
  let executions: ExecutionsRepository;
  let workflow: { id: string; version: number };
  let userId: string;

  beforeAll(async () => {
    // No sweep after start-up: the claims below are this test's alone.
    t = await startTestApp({ EXECUTION_SWEEP_INTERVAL_MS: '600000' });
    db = t.app.get(DataSource);
    executions = new ExecutionsRepository(db);
    workflow = await createWorkflow(t, workflowBody([{ name: 'Hook', type: 'trigger' }], []));
    userId = (await t.http.get('/users/me').set(t.admin).expect(200)).body.id;
  });
  afterAll(() => t.close());

  /** Inserts one execution per time and claims them all; returns their ids and attempts. */
  async function claimedAt(times: number[]): Promise<Array<{ id: string; attempt: number }>> {
    const ids = times.map(idMadeAt);
    await executions.insertMany(
      ids.map((id) => ({ id, workflowId: workflow.id, workflowVersion: workflow.version, webhookId: null, userId, mode: 'manual' as const, triggerData: null, idempotencyKey: null, retryOf: null, createdAt: new Date() })),
    );
    const claimed = await executions.claimMany(ids, 'batch-test', 60_000);
    expect(claimed).toHaveLength(ids.length);
    return ids.map((id) => ({ id, attempt: claimed.find((row) => row.id === id)!.attempt }));
  }

  const partitionsOf = async (ids: string[]) =>
    new Set(((await db.query('SELECT tableoid::regclass::text AS part FROM workflow_executions WHERE id = ANY($1::uuid[])', [ids])) as Array<{ part: string }>).map((row) => row.part));

  it('writes progress and final states of every row, in partitions of several days and the default one', async () => {
    const now = Date.now();
    // Ten days ago and ten days ahead have no day partition of their own: the default one holds them.
    const rows = await claimedAt([now - 10 * DAY_MS, now - DAY_MS, now, now + DAY_MS, now + 10 * DAY_MS]);
    expect((await partitionsOf(rows.map((row) => row.id))).size).toBeGreaterThanOrEqual(3);

    const progress = await executions.saveProgressMany(rows.map(({ id, attempt }) => ({ id, attempt, nodeExecutionsJson: `[{"step":"${id}"}]`, webhookResponseJson: null })));
    expect([...progress].sort()).toEqual(rows.map((row) => row.id).sort());

    const completedAt = new Date();
    const written = await executions.completeMany(rows.map(({ id, attempt }) => ({ id, attempt, status: 'COMPLETED' as const, nodeExecutionsJson: '[]', error: null, completedAt, webhookResponseJson: null })));
    expect([...written].sort()).toEqual(rows.map((row) => row.id).sort());
    const stored = (await db.query('SELECT status, "leaseOwner" FROM workflow_executions WHERE id = ANY($1::uuid[])', [rows.map((row) => row.id)])) as Array<{ status: string; leaseOwner: string | null }>;
    expect(stored).toHaveLength(rows.length);
    expect(stored.every((row) => row.status === 'COMPLETED' && row.leaseOwner === null)).toBe(true);
  });

  it('writes a row whose id is given in capitals, and still fences a stale attempt', async () => {
    const now = Date.now();
    // The newest id in capitals: compared as a string, it would sort before the others ("A" < "a").
    const [stale, other, capital] = await claimedAt([now - DAY_MS, now, now + DAY_MS]);
    const completedAt = new Date();
    const written = await executions.completeMany([
      { id: capital.id.toUpperCase(), attempt: capital.attempt, status: 'FAILED', nodeExecutionsJson: '[]', error: 'boom', completedAt, webhookResponseJson: null },
      { id: other.id, attempt: other.attempt, status: 'COMPLETED', nodeExecutionsJson: '[]', error: null, completedAt, webhookResponseJson: null },
      // A previous owner's write: its attempt is no longer the row's.
      { id: stale.id, attempt: stale.attempt - 1, status: 'COMPLETED', nodeExecutionsJson: '[]', error: null, completedAt, webhookResponseJson: null },
    ]);
    expect(written.size).toBe(2);
    expect(written.has(other.id)).toBe(true);
    expect(written.has(stale.id)).toBe(false);
    const statuses = new Map(((await db.query('SELECT id, status FROM workflow_executions WHERE id = ANY($1::uuid[])', [[capital.id, other.id, stale.id]])) as Array<{ id: string; status: string }>).map((row) => [row.id, row.status]));
    expect(Object.fromEntries(statuses)).toEqual({ [capital.id]: 'FAILED', [other.id]: 'COMPLETED', [stale.id]: 'RUNNING' });
  });
});
