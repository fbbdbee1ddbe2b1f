import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { ScheduleFirer } from '../src/schedules/schedule-firer.js';
import { createWebhook, createWorkflow, waitForExecution, workflowBody, type NodeSpec } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { onEmbeddedDatabase, testDatabaseUrl } from './support/test-database.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { until } from './support/until.js';

/**
 * docs/schedules.md against the real application and database: several replicas (apps on one database, as
 * separate processes would be) fire a schedule, one of them dies mid-run, all of them are down
 * across due times, and workflows are edited under them.
 */
describe('schedules (docs/schedules.md)', () => {
  let db: DataSource;
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string> = {}): Promise<TestApp> => {
    const app = await startTestApp(env);
    apps.push(app);
    return app;
  };
  const stop = async (app: TestApp): Promise<void> => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(await testDatabaseUrl(), 2));
    await db.initialize();
  });

  /**
   * After a test that fired, even one that failed half-way: no replica of it keeps running and no
   * schedule of it stays due, so the next test sees only its own firings.
   */
  const cleanUp = async (): Promise<void> => {
    for (const app of [...apps]) await stop(app).catch(() => undefined);
    await db.query('UPDATE workflow_schedules SET "nextDueAt" = NULL');
  };

  afterAll(async () => {
    await cleanUp();
    await db.destroy();
  });

  const scheduleNode = (parameters: Record<string, unknown>): NodeSpec => ({ name: 'Timetable', type: 'schedule', parameters });
  const scheduleWorkflow = (parameters: Record<string, unknown>, active = true, next: NodeSpec = { name: 'Stamp', type: 'set', parameters: { values: { due: '{{ $trigger.scheduledFor }}' } } }) =>
    workflowBody([scheduleNode(parameters), next], [['Timetable', next.name]], { active });

  interface Firing {
    id: string;
    scheduledFor: number;
    status: string;
    createdAt: Date;
    startedAt: Date | null;
    completedAt: Date | null;
    startsAfter: string | null;
    triggerData: { scheduledFor: string; firedAt: string; timezone: string };
  }
  const firings = async (workflowId: string): Promise<Firing[]> => {
    const rows: Array<Omit<Firing, 'scheduledFor'> & { idempotencyKey: string }> = await db.query(
      `SELECT id, "idempotencyKey", status, "createdAt", "startedAt", "completedAt", "startsAfter", "triggerData" FROM workflow_executions
        WHERE "workflowId" = $1 AND mode = 'schedule' ORDER BY "idempotencyKey"`,
      [workflowId],
    );
    return rows.map((row) => ({ ...row, scheduledFor: Date.parse(row.idempotencyKey) }));
  };
  const metric = async (app: TestApp, name: string): Promise<number> => {
    const text = (await app.http.get('/metrics').expect(200)).text;
    return text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };

  /**
   * Ends a replica the way SIGKILL does as far as the database can tell: its connections drop
   * mid-whatever (an open claim transaction rolls back, its row locks go), then it is closed. On
   * the embedded PGlite, whose connections share one session, a dropped connection would take the
   * others' transactions with it, so there the replica is closed without warning instead.
   */
  const crash = async (app: TestApp): Promise<void> => {
    const firer = app.app.get(ScheduleFirer);
    if (!onEmbeddedDatabase()) {
      const pool = (app.app.get(DataSource).driver as unknown as { master: { _clients: Array<{ connection: { stream: { destroy(): void } } }> } }).master;
      for (const client of pool._clients) client.connection.stream.destroy();
    }
    await stop(app).catch(() => undefined);
    // A close that failed half-way must not leave its loop firing: a dead replica fires nothing.
    await firer.beforeApplicationShutdown();
  };

  describe('validation and the API', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await start();
    });
    afterAll(async () => stop(t));

    it.each([
      ['a cron with 4 fields', { cron: '* * * *' }, 'node "Timetable": parameter "cron" must have 5 fields (min hour day month weekday) or 6 (sec min hour day month weekday), got 4: "* * * *"'],
      ['a cron with 7 fields', { cron: '0 0 0 * * * 2030' }, 'parameter "cron" must have 5 fields'],
      ['a cron that never fires', { cron: '0 0 30 2 *' }, 'node "Timetable": parameter "cron": "0 0 30 2 *" never fires'],
      ['a cron that does not parse', { cron: '61 * * * *' }, 'node "Timetable": parameter "cron":'],
      ['an unknown time zone', { cron: '0 8 * * *', timezone: 'Europe/Atlantis' }, 'node "Timetable": parameter "timezone": unknown time zone "Europe/Atlantis"'],
      ['intervalMs below 1000', { intervalMs: 999 }, 'node "Timetable": parameter "intervalMs" must be at least 1000'],
      ['both cron and intervalMs', { cron: '* * * * *', intervalMs: 5000 }, 'node "Timetable": parameter "cron" or "intervalMs": give exactly one of them, got both'],
      ['neither cron nor intervalMs', { timezone: 'UTC' }, 'node "Timetable": parameter "cron" or "intervalMs": give exactly one of them, got neither'],
      ['endAt before startAt', { intervalMs: 5000, startAt: '2027-01-02T00:00:00Z', endAt: '2027-01-01T00:00:00Z' }, 'node "Timetable": parameter "endAt" must be after "startAt"'],
      ['endAt equal to startAt', { intervalMs: 5000, startAt: '2027-01-02T00:00:00Z', endAt: '2027-01-02T01:00:00+01:00' }, 'parameter "endAt" must be after "startAt"'],
      ['startAt without an offset', { intervalMs: 5000, startAt: '2027-01-02T00:00:00' }, 'node "Timetable": parameter "startAt" must be an ISO-8601 instant with a time zone offset'],
      ['an unknown overlap', { cron: '* * * * *', overlap: 'queue' }, 'node "Timetable": parameter "overlap" must be one of skip, allow, bufferOne, got "queue"'],
      ['an expression as cron', { cron: '{{ $json.cron }}' }, 'node "Timetable": parameter "cron" must be a fixed value'],
    ])('refuses %s with 400 naming the node and field', async (_, parameters, message) => {
      const response = await t.http.post('/workflows').set(t.admin).send(scheduleWorkflow(parameters));
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(JSON.stringify(response.body.message)).toContain(JSON.stringify(message).slice(1, -1));
    });

    it('refuses a workflow with both a webhook trigger and a schedule trigger', async () => {
      const body = workflowBody([scheduleNode({ cron: '* * * * *' }), { name: 'Webhook', type: 'trigger' }], []);
      const response = await t.http.post('/workflows').set(t.admin).send(body).expect(400);
      expect(response.body.message).toContain('nodes: a workflow needs exactly one "trigger" or "schedule" node, found 2 ("Timetable", "Webhook")');
    });

    it('refuses a webhook on a schedule workflow, and a schedule trigger on a workflow with webhooks', async () => {
      const scheduled = await createWorkflow(t, scheduleWorkflow({ cron: '0 8 * * *' }, false));
      const refused = await t.http.post('/webhooks').set(t.admin).send({ workflowId: scheduled.id, method: 'POST' }).expect(400);
      expect(refused.body.message).toContain('no webhook can be attached');

      const hooked = await createWorkflow(t, workflowBody([{ name: 'Webhook', type: 'trigger' }], [], { active: false }));
      const webhook = await createWebhook(t, hooked.id);
      const replaced = await t.http.put(`/workflows/${hooked.id}`).set(t.admin).send({ ...scheduleWorkflow({ cron: '0 8 * * *' }, false), version: hooked.version }).expect(400);
      expect(replaced.body.message).toContain(`node "Timetable": a workflow with a schedule trigger cannot have webhooks; delete its webhooks first (${webhook.id})`);
    });

    it('answers GET /workflows/:id/schedule with the next 5 due times in the time zone, also while inactive, and shows it with the workflow', async () => {
      const created = await createWorkflow(t, scheduleWorkflow({ cron: '0 8 * * 1-5', timezone: 'Europe/Berlin' }, false));
      const schedule = (await t.http.get(`/workflows/${created.id}/schedule`).set(t.admin).expect(200)).body;
      expect(schedule).toMatchObject({ lastScheduledFor: null, lastExecutionId: null, skipped: 0 });
      expect(schedule.next).toHaveLength(5);
      for (const due of schedule.next) {
        const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(due));
        expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 08:00$/);
      }
      expect(Date.parse(schedule.next[0])).toBeGreaterThan(Date.now());
      const workflow = (await t.http.get(`/workflows/${created.id}`).set(t.admin).expect(200)).body;
      expect(workflow.schedule).toEqual(schedule);
    });

    it('answers 400 for a workflow without a schedule trigger and 404 for another member’s', async () => {
      const hooked = await createWorkflow(t, workflowBody([{ name: 'Webhook', type: 'trigger' }], []));
      const refused = await t.http.get(`/workflows/${hooked.id}/schedule`).set(t.admin).expect(400);
      expect(refused.body.message).toContain('has no schedule trigger');
      const scheduled = await createWorkflow(t, scheduleWorkflow({ cron: '0 8 * * *' }, false));
      const member = await t.createMember();
      await t.http.get(`/workflows/${scheduled.id}/schedule`).set(member.auth).expect(404);
    });

    it('runs a schedule workflow manually with scheduledFor = the time of the run', async () => {
      const created = await createWorkflow(t, scheduleWorkflow({ cron: '0 8 1 1 *', timezone: 'Asia/Tokyo' }, false));
      const before = Date.now();
      const response = await t.http.post(`/workflows/${created.id}/run`).set(t.admin).send({}).expect(200);
      const due = Date.parse(response.body.output?.due ?? response.body.due);
      expect(due).toBeGreaterThanOrEqual(before - 5);
      expect(due).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('firing on three replicas', () => {
    afterEach(cleanUp);

    it(
      'fires every due time of a 1-second schedule exactly once for 30 s, none missing, while one replica dies mid-run',
      async () => {
        // Runs the dead replica held are taken over soon after its lease, not 30 s later. (On the
        // embedded PGlite the replica closes cleanly and hands its runs back; short leases there
        // only add renewals to a database that serialises everything.)
        const env: Record<string, string> = onEmbeddedDatabase() ? {} : { EXECUTION_LEASE_MS: '3000', EXECUTION_SWEEP_INTERVAL_MS: '1000' };
        const replicas = [await start(env), await start(env), await start(env)];
        const created = await createWorkflow(replicas[0], scheduleWorkflow({ cron: '* * * * * *', overlap: 'allow' }, false));
        const activatedAt = Date.now();
        await replicas[1].http.post(`/workflows/${created.id}/activate`).set(replicas[1].admin).expect(200);
        await sleep(12_000);
        const victim = replicas[2];
        await crash(victim);
        await sleep(18_000);
        const deactivatedAt = Date.now();
        await replicas[0].http.post(`/workflows/${created.id}/deactivate`).set(replicas[0].admin).expect(200);
        const fired = (await replicas[0].http.get(`/workflows/${created.id}/schedule`).set(replicas[0].admin).expect(200)).body;
        // What was claimed before the deactivation committed has been committed too.
        const rows = await firings(created.id);
        const times = rows.map((row) => row.scheduledFor);

        expect(new Set(times).size).toBe(times.length);
        // The first due time is the first whole second after the activation (the request took some ms).
        expect(times[0]).toBeGreaterThan(activatedAt - 1000);
        expect(times[0]).toBeLessThanOrEqual(Math.ceil((activatedAt + 2000) / 1000) * 1000);
        for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], `gap after ${new Date(times[i - 1]).toISOString()}`).toBe(1000);
        expect(times.at(-1)!).toBeGreaterThanOrEqual(deactivatedAt - 3000);
        expect(times.length).toBeGreaterThanOrEqual(28);
        expect(fired).toMatchObject({ lastExecutionId: rows.at(-1)!.id, lastScheduledFor: new Date(times.at(-1)!).toISOString(), skipped: 0 });

        const lags = rows.map((row) => Date.parse(row.triggerData.firedAt) - row.scheduledFor).sort((a, b) => a - b);
        console.log(`3 replicas, ${times.length} due times fired once each; lag p50 ${lags[Math.floor(lags.length / 2)]} ms, max ${lags.at(-1)} ms`);
        expect(rows[0].triggerData.timezone).toBe('UTC');

        // A firing runs through the engine like a webhook's execution.
        const one = await waitForExecution(replicas[0], rows[3].id, replicas[0].admin, 40_000);
        expect(one.status).toBe('COMPLETED');
        expect(one.mode).toBe('schedule');
        expect(one.nodeExecutions[0]).toMatchObject({ nodeName: 'Timetable', nodeType: 'schedule', status: 'SUCCESS', output: rows[3].triggerData });
        expect(one.nodeExecutions[1].output).toEqual({ due: new Date(times[3]).toISOString() });

        const survivors = [replicas[0], replicas[1]];
        const counted = (await Promise.all(survivors.map((app) => metric(app, 'workflow_schedule_firing_lag_seconds_count')))).reduce((a, b) => a + b, 0);
        expect(counted).toBeLessThanOrEqual(times.length);
        expect(counted).toBeGreaterThan(0);
        for (const app of survivors) await stop(app);
      },
      100_000,
    );
  });

  describe('overlap', () => {
    afterEach(cleanUp);

    it(
      'skip: a due time does not fire while the previous firing is still running (waiting), and is counted',
      async () => {
        const t = await start();
        const slow: NodeSpec = { name: 'Slow', type: 'wait', parameters: { mode: 'duration', durationMs: 2500 } };
        const created = await createWorkflow(t, scheduleWorkflow({ cron: '* * * * * *' }, true, slow));
        await sleep(7_500);
        await t.http.post(`/workflows/${created.id}/deactivate`).set(t.admin).expect(200);
        await until('the firings to finish', async () => (await firings(created.id)).every((row) => row.status === 'COMPLETED'));
        const rows = await firings(created.id);
        expect(rows.length).toBeGreaterThanOrEqual(2);
        expect(rows.length).toBeLessThanOrEqual(4);
        for (let i = 1; i < rows.length; i++) expect(rows[i].createdAt.getTime()).toBeGreaterThanOrEqual(rows[i - 1].completedAt!.getTime());
        const schedule = (await t.http.get(`/workflows/${created.id}/schedule`).set(t.admin).expect(200)).body;
        expect(schedule.skipped).toBeGreaterThanOrEqual(3);
        expect(await metric(t, 'workflow_schedule_skipped_total{reason="overlap"}')).toBe(schedule.skipped);
        await stop(t);
      },
      30_000,
    );

    it(
      'bufferOne: one firing waits PENDING for the running one and starts when it ends; later ones are skipped',
      async () => {
        const t = await start();
        const slow: NodeSpec = { name: 'Slow', type: 'wait', parameters: { mode: 'duration', durationMs: 2500 } };
        const created = await createWorkflow(t, scheduleWorkflow({ cron: '* * * * * *', overlap: 'bufferOne' }, true, slow));
        await sleep(6_500);
        await t.http.post(`/workflows/${created.id}/deactivate`).set(t.admin).expect(200);
        await until('the firings to finish', async () => (await firings(created.id)).every((row) => row.status === 'COMPLETED'), 20_000);
        const rows = await firings(created.id);
        expect(rows.length).toBeGreaterThanOrEqual(2);
        const buffered = rows.filter((row) => row.startsAfter !== null);
        expect(buffered.length).toBeGreaterThanOrEqual(1);
        for (const row of buffered) {
          const before = rows.find((other) => other.id === row.startsAfter)!;
          // Created at its due time, while the one before was still going, and started after it ended.
          expect(row.createdAt.getTime()).toBeLessThan(before.completedAt!.getTime());
          expect(row.startedAt!.getTime()).toBeGreaterThanOrEqual(before.completedAt!.getTime());
        }
        // Never more than one running at once.
        for (let i = 1; i < rows.length; i++) expect(rows[i].startedAt!.getTime()).toBeGreaterThanOrEqual(rows[i - 1].completedAt!.getTime());
        expect((await t.http.get(`/workflows/${created.id}/schedule`).set(t.admin).expect(200)).body.skipped).toBeGreaterThanOrEqual(1);
        await stop(t);
      },
      40_000,
    );
  });

  describe('catchUp', () => {
    afterEach(cleanUp);

    it(
      'latest: after every replica was down across two due times, fires once, for the later one',
      async () => {
        // A due time first seen 1 s late counts as missed here (default 10 s), to keep the test short.
        const env = { SCHEDULE_MISSED_AFTER_MS: '1000' };
        let t = await start(env);
        const created = await createWorkflow(t, scheduleWorkflow({ cron: '*/6 * * * * *', overlap: 'allow' }));
        await until('a first firing', async () => (await firings(created.id)).length > 0, 10_000);
        await stop(t);
        const before = await firings(created.id);
        const last = before.at(-1)!.scheduledFor;
        // Down across last+6 s and last+12 s.
        await sleep(Math.max(0, last + 13_500 - Date.now()));
        t = await start(env);
        await until('a firing after the restart', async () => (await firings(created.id)).length > before.length, 15_000);
        await t.http.post(`/workflows/${created.id}/deactivate`).set(t.admin).expect(200);
        const after = (await firings(created.id)).slice(before.length);
        const caughtUp = after[0].scheduledFor;
        // The latest missed due time (last+12 s, or later if the restart was slow), none of the earlier.
        expect(caughtUp - last).toBeGreaterThanOrEqual(12_000);
        expect(caughtUp % 6000).toBe(0);
        const schedule = (await t.http.get(`/workflows/${created.id}/schedule`).set(t.admin).expect(200)).body;
        expect(schedule.skipped).toBe((caughtUp - last) / 6000 - 1);
        expect(await metric(t, 'workflow_schedule_skipped_total{reason="missed"}')).toBe(schedule.skipped);
        await stop(t);
      },
      45_000,
    );

    it(
      'none: missed due times are skipped; time spent inactive is not a miss',
      async () => {
        const env = { SCHEDULE_MISSED_AFTER_MS: '1000' };
        let t = await start(env);
        const created = await createWorkflow(t, scheduleWorkflow({ cron: '*/3 * * * * *', overlap: 'allow', catchUp: 'none' }));
        await until('a first firing', async () => (await firings(created.id)).length > 0, 10_000);
        await stop(t);
        const count = (await firings(created.id)).length;
        await sleep(7_000);
        const restartedAt = Date.now();
        t = await start(env);
        await sleep(1_500);
        // Nothing for the missed ones: due times already more than SCHEDULE_MISSED_AFTER_MS old when the replica started.
        const missed = (await firings(created.id)).slice(count).filter((row) => row.scheduledFor < restartedAt - 1000);
        expect(missed).toEqual([]);
        // Inactive for a while, then activated: counting starts from the activation.
        await t.http.post(`/workflows/${created.id}/deactivate`).set(t.admin).expect(200);
        const skipped = (await t.http.get(`/workflows/${created.id}/schedule`).set(t.admin).expect(200)).body.skipped;
        expect(skipped).toBeGreaterThanOrEqual(2);
        await sleep(4_000);
        const activatedAt = Date.now();
        await t.http.post(`/workflows/${created.id}/activate`).set(t.admin).expect(200);
        await sleep(3_500);
        const rows = await firings(created.id);
        expect(rows.filter((row) => row.createdAt.getTime() >= activatedAt).every((row) => row.scheduledFor >= activatedAt - 5)).toBe(true);
        expect((await t.http.get(`/workflows/${created.id}/schedule`).set(t.admin).expect(200)).body.skipped).toBe(skipped);
        await stop(t);
      },
      45_000,
    );
  });

  describe('queue mode', () => {
    afterEach(cleanUp);
    const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
    const prefix = `wfe_test_sched_${process.pid}_${Date.now()}`;
    afterAll(async () => {
      await deleteRedisKeys(redisUrl, prefix);
    });

    it(
      'fires in the worker role, through BullMQ, and not in the api role',
      async () => {
        const env = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, APP_ROLE: 'api', EXECUTION_SWEEP_INTERVAL_MS: '600000' };
        const api = await start(env);
        const created = await createWorkflow(api, scheduleWorkflow({ cron: '* * * * * *', overlap: 'allow' }));
        await sleep(2_500);
        expect(await firings(created.id)).toEqual([]);
        const worker = await start({ ...env, APP_ROLE: 'worker' });
        await until('two completed firings', async () => (await firings(created.id)).filter((row) => row.status === 'COMPLETED').length >= 2, 15_000);
        await api.http.post(`/workflows/${created.id}/deactivate`).set(api.admin).expect(200);
        // The seconds before the worker came were late, not missed (under SCHEDULE_MISSED_AFTER_MS): each fired once.
        const times = (await firings(created.id)).map((row) => row.scheduledFor);
        for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(1000);
        await stop(worker);
        await stop(api);
      },
      40_000,
    );
  });

  describe('changes take effect on every replica within 1 s', () => {
    afterEach(cleanUp);

    it(
      'activation, an edit of the timetable, deactivation and deletion',
      async () => {
        const [a, b] = [await start(), await start()];
        const created = await createWorkflow(a, scheduleWorkflow({ cron: '0 0 1 1 *' }, false));
        // Activated on one replica: fires from the next whole second, on whichever replica.
        const activatedAt = Date.now();
        await b.http.post(`/workflows/${created.id}/activate`).set(b.admin).expect(200);
        await sleep(300);
        expect(await firings(created.id)).toEqual([]);
        const current = (await a.http.get(`/workflows/${created.id}`).set(a.admin).expect(200)).body;
        // An edit of the timetable: a yearly cron becomes every second.
        const editedAt = Date.now();
        await a.http.put(`/workflows/${created.id}`).set(a.admin).send({ ...scheduleWorkflow({ cron: '* * * * * *', overlap: 'allow' }), name: current.name, version: current.version }).expect(200);
        await until('a firing after the edit', async () => (await firings(created.id)).length > 0, 5_000);
        const first = (await firings(created.id))[0];
        expect(first.scheduledFor).toBeGreaterThan(activatedAt);
        expect(first.scheduledFor).toBeLessThanOrEqual(Math.ceil(editedAt / 1000) * 1000 + 1000);
        expect(first.createdAt.getTime() - editedAt).toBeLessThan(2500);

        const deactivatedAt = Date.now();
        await a.http.post(`/workflows/${created.id}/deactivate`).set(a.admin).expect(200);
        await sleep(2_000);
        expect((await firings(created.id)).filter((row) => row.scheduledFor > deactivatedAt + 1000)).toEqual([]);

        await b.http.post(`/workflows/${created.id}/activate`).set(b.admin).expect(200);
        await until('firing again', async () => (await firings(created.id)).some((row) => row.scheduledFor > deactivatedAt + 1000), 5_000);
        const deletedAt = Date.now();
        await b.http.delete(`/workflows/${created.id}`).set(b.admin).expect(204);
        await sleep(2_000);
        expect((await firings(created.id)).filter((row) => row.scheduledFor > deletedAt + 1000)).toEqual([]);
        const rows: unknown[] = await db.query('SELECT 1 FROM workflow_schedules WHERE "workflowId" = $1', [created.id]);
        expect(rows).toEqual([]);
        await stop(a);
        await stop(b);
      },
      40_000,
    );
  });
});
