import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { buildIfStale } from '../bench/lib/build.mjs';
import { privateBuild } from './faults/lib/harness.mjs';
import { ADMIN_KEY as PROCESS_ADMIN_KEY, freePort, ServiceProcess } from './faults/lib/processes.mjs';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { ConcurrencyRepository } from '../src/engine/concurrency/concurrency.repository.js';
import { newId } from '../src/common/uuid.js';
import { workflowBody } from './support/factories.js';
import { deleteRedisKeys } from './support/redis-keys.js';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/test-app.js';
import { onEmbeddedDatabase, testDatabaseUrl } from './support/test-database.js';

/**
 * docs/concurrency.md: `settings.concurrency` holds database-wide. On a PostgreSQL server the replicas
 * are real `node dist/src/main.js` processes on one database (single servers, and queue mode with an
 * api and two workers); on the embedded PGlite, whose connections share one session, there is one
 * in-process replica, which must keep the same promises.
 */

/** Long enough that the calls of five customers overlap on a loaded machine. */
const HOLD_MS = 1000;
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A local HTTP target that holds each call briefly and records, per customer, how many calls were in flight at once. */
class InFlightTarget {
  private server: Server | undefined;
  port = 0;
  readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  /** The most distinct customers with a call in flight at the same moment. */
  maxCustomersAtOnce = 0;
  readonly completed = new Map<string, number>();
  readonly log: Array<{ customer: string; event: 'start' | 'end'; seq: number }> = [];

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { customer, seq } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { customer: string; seq: number };
        const now = (this.inFlight.get(customer) ?? 0) + 1;
        this.inFlight.set(customer, now);
        this.maxInFlight.set(customer, Math.max(now, this.maxInFlight.get(customer) ?? 0));
        this.maxCustomersAtOnce = Math.max(this.maxCustomersAtOnce, [...this.inFlight.values()].filter((n) => n > 0).length);
        this.log.push({ customer, event: 'start', seq });
        setTimeout(() => {
          this.inFlight.set(customer, this.inFlight.get(customer)! - 1);
          this.completed.set(customer, (this.completed.get(customer) ?? 0) + 1);
          this.log.push({ customer, event: 'end', seq });
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"ok":true}');
        }, HOLD_MS);
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.port = (this.server.address() as { port: number }).port;
  }

  reset(): void {
    this.inFlight.clear();
    this.maxInFlight.clear();
    this.completed.clear();
    this.log.length = 0;
    this.maxCustomersAtOnce = 0;
  }

  close(): Promise<void> {
    return new Promise((done) => this.server?.close(() => done()) ?? done());
  }
}

/** One replica as the tests see it: its base URL and admin key. */
interface Replica {
  url: string;
  adminKey: string;
  close(): Promise<void>;
}

async function api(replica: Replica, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${replica.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${replica.adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** trigger → HTTP Request to the target with the customer and a sequence number. */
const callingWorkflow = (targetPort: number, concurrency: unknown) =>
  workflowBody(
    [
      { name: 'Start', type: 'trigger' },
      {
        name: 'Call',
        type: 'httpRequest',
        parameters: { method: 'POST', url: `http://127.0.0.1:${targetPort}/call`, body: { customer: '{{ $trigger.body.customer }}', seq: '{{ $trigger.body.seq }}' } },
      },
    ],
    [['Start', 'Call']],
    { active: true, settings: { concurrency } },
  );

describe('concurrency limits (docs/concurrency.md)', () => {
  const target = new InFlightTarget();
  let db: DataSource;
  let databaseUrl: string;
  let appDir: string | undefined;
  let logDir: string | undefined;
  const replicas: Replica[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    await target.start();
    databaseUrl = await testDatabaseUrl();
    db = new DataSource(dataSourceOptions(databaseUrl, 2));
    await db.initialize();
    if (!onEmbeddedDatabase()) {
      const root = resolve(import.meta.dirname, '..');
      buildIfStale(root);
      logDir = mkdtempSync(join(tmpdir(), 'wfe-concurrency-'));
      appDir = privateBuild(root, join(logDir, 'app'));
    }
  }, 600_000);

  afterAll(async () => {
    for (const replica of replicas.splice(0)) await replica.close().catch(() => undefined);
    await target.close();
    await db.destroy();
    if (prefixes.length) await deleteRedisKeys(redisUrl, ...prefixes);
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  const stopAll = async (): Promise<void> => {
    for (const replica of replicas.splice(0)) await replica.close();
  };
  // A replica left running would claim the next test's executions.
  afterEach(stopAll);

  /** Replicas on the test database: real processes on a server, in-process apps on PGlite (one per role there). */
  const startReplicas = async (roles: Array<'all' | 'api' | 'worker'>, queue: boolean, extraEnv: Record<string, string> = {}): Promise<Replica[]> => {
    const prefix = queue ? `wfe_test_concurrency_${process.pid}_${prefixes.length}` : 'wfe';
    if (queue) prefixes.push(prefix);
    const env: Record<string, string> = {
      HTTP_ALLOWED_HOSTS: `127.0.0.1:${target.port}`,
      EXECUTION_SWEEP_INTERVAL_MS: '1000',
      REDIS_URL: queue ? redisUrl : '',
      REDIS_PREFIX: prefix,
      ...extraEnv,
    };
    const started: Replica[] = [];
    if (onEmbeddedDatabase()) {
      const app: TestApp = await startTestApp({ ...env, ...(queue ? { APP_ROLE: 'all' } : {}) });
      const address = app.app.getHttpServer().address() as { port: number };
      started.push({ url: `http://127.0.0.1:${address.port}`, adminKey: ADMIN_KEY, close: () => app.close() });
    } else {
      const services = [];
      for (const [index, role] of roles.entries()) {
        services.push(
          new ServiceProcess({
            root: appDir,
            logDir,
            name: `concurrency-${role}-${index}`,
            env: { ...env, DATABASE_URL: databaseUrl, PORT: String(await freePort()), APP_ROLE: role === 'all' ? '' : role, DB_POOL_SIZE: '5', PUBLIC_URL: 'http://wfe.test' },
          }),
        );
      }
      // Closed whether or not every one started.
      replicas.push(...services.map((service) => ({ url: service.url, adminKey: PROCESS_ADMIN_KEY, close: () => service.stop() })));
      // A loaded machine (CI, or several suites at once) can take minutes to start three processes.
      for (const service of services) service.waitReady = (child: unknown) => ServiceProcess.prototype.waitReady.call(service, child, 240_000);
      await Promise.all(services.map((service) => service.start()));
      return replicas.slice(-services.length);
    }
    replicas.push(...started);
    return started;
  };

  /** Creates the workflow and a webhook on it; answers the webhook's path. */
  const setUp = async (replica: Replica, concurrency: unknown): Promise<{ workflowId: string; hookPath: string }> => {
    const workflow = await api(replica, 'POST', '/workflows', callingWorkflow(target.port, concurrency));
    expect(workflow.status, JSON.stringify(workflow.body)).toBe(201);
    const hook = await api(replica, 'POST', '/webhooks', { workflowId: workflow.body.id, method: 'POST', responseMode: 'onReceived' });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    return { workflowId: workflow.body.id, hookPath: `/webhook/handler/${hook.body.id}` };
  };

  /**
   * Sends the bodies to the replicas in turn (only those that take webhooks), all at once so that a
   * backlog builds up however slow the machine is; answers the execution ids once every 202 is in.
   */
  const send = async (replicas: Replica[], hookPath: string, bodies: unknown[]): Promise<string[]> =>
    Promise.all(
      bodies.map(async (body, index) => {
        const response = await fetch(`${replicas[index % replicas.length].url}${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const answer = await response.text();
        expect(response.status, answer).toBe(202);
        return (JSON.parse(answer) as { executionId: string }).executionId;
      }),
    );

  const untilAllEnded = async (workflowId: string, count: number, timeoutMs = 180_000): Promise<Array<{ status: string; concurrencyKey: string | null }>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows: Array<{ status: string; concurrencyKey: string | null }> = await db.query(`SELECT status, "concurrencyKey" FROM workflow_executions WHERE "workflowId" = $1`, [workflowId]);
      const ended = rows.filter((row) => ['COMPLETED', 'FAILED', 'CANCELED'].includes(row.status));
      if (ended.length >= count) {
        if (process.env.DEBUG_CONCURRENCY) console.log(await db.query(`SELECT "createdAt", "startedAt", "completedAt", "leaseOwner", attempt FROM workflow_executions WHERE "workflowId" = $1 ORDER BY id`, [workflowId]));
        return rows;
      }
      if (Date.now() > deadline) throw new Error(`Only ${ended.length} of ${count} executions ended: ${JSON.stringify(rows.map((row) => row.status))}`);
      await sleep(100);
    }
  };

  const customers = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
  const keyedBodies = (perCustomer: number) => Array.from({ length: perCustomer * customers.length }, (_, seq) => ({ customer: customers[seq % customers.length], seq }));

  it('refuses a bad settings.concurrency with a 400 naming the field, and stores the evaluated key', async () => {
    const [replica] = await startReplicas(['all'], false);
    for (const [concurrency, message] of [
      [0, 'settings: field "concurrency" must be an integer from 1 to 1000, or { limit, key }'],
      [{ limit: 2 }, 'settings: field "concurrency.key" must be a non-empty string'],
      [{ limit: 1001, key: '{{ $trigger.body.customer }}' }, 'settings: field "concurrency.limit" must be an integer from 1 to 1000'],
      [{ limit: 2, key: '{{ $trigger.body.( }}' }, 'settings: field "concurrency.key": expression does not parse'],
      [{ limit: 2, key: '{{ $trigger.body.customer }}', scope: 'x' }, 'settings: field "concurrency.scope" is unknown (known: limit, key)'],
    ] as const) {
      const response = await api(replica, 'POST', '/workflows', callingWorkflow(target.port, concurrency));
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toContain(message.replaceAll('"', '\\"'));
    }
    const { workflowId, hookPath } = await setUp(replica, { limit: 2, key: 'customer-{{ $trigger.body.customer }}' });
    const [id] = await send([replica], hookPath, [{ customer: 'acme', seq: 0 }]);
    await untilAllEnded(workflowId, 1);
    const execution = await api(replica, 'GET', `/executions/${id}`);
    expect(execution.body.concurrencyKey).toBe('customer-acme');
  }, 600_000);

  it('holds { limit: 2, key } per customer across three single servers, and five customers progress in parallel', async () => {
    target.reset();
    const started = await startReplicas(['all', 'all', 'all'], false);
    const { workflowId, hookPath } = await setUp(started[0], { limit: 2, key: '{{ $trigger.body.customer }}' });
    const bodies = keyedBodies(6);
    await send(started, hookPath, bodies);
    const rows = await untilAllEnded(workflowId, bodies.length);
    expect(rows.every((row) => row.status === 'COMPLETED')).toBe(true);
    expect(new Set(rows.map((row) => row.concurrencyKey))).toEqual(new Set(customers));
    for (const customer of customers) {
      expect(target.completed.get(customer)).toBe(6);
      expect(target.maxInFlight.get(customer), customer).toBeLessThanOrEqual(2);
    }
    // Each customer used its two slots, and a busy customer did not hold the others back.
    expect(Math.max(...target.maxInFlight.values())).toBe(2);
    expect(target.maxCustomersAtOnce).toBe(customers.length);
  }, 600_000);

  it('holds a number limit of 1 across three single servers: never two at once', async () => {
    target.reset();
    const started = await startReplicas(['all', 'all', 'all'], false);
    const { workflowId, hookPath } = await setUp(started[0], 1);
    const bodies = Array.from({ length: 9 }, (_, seq) => ({ customer: 'everyone', seq }));
    await send(started, hookPath, bodies);
    const rows = await untilAllEnded(workflowId, bodies.length);
    expect(rows.map((row) => row.status)).toEqual(bodies.map(() => 'COMPLETED'));
    expect(rows.every((row) => row.concurrencyKey === '')).toBe(true);
    expect(target.completed.get('everyone')).toBe(9);
    expect(target.maxInFlight.get('everyone')).toBe(1);
  }, 600_000);

  it('holds { limit: 2, key } in queue mode (an api and two workers), and a full key holds no worker slot', async () => {
    target.reset();
    // Five slots per worker: ten in all, as many as the five customers' two each. Were a slot held by
    // a job of acme while acme is full, acme's backlog would take them all and the others would wait.
    // On the embedded database the one in-process replica gets the ten (with five, four customers at
    // most could run at once).
    const slots = onEmbeddedDatabase() ? '10' : '5';
    const started = await startReplicas(['api', 'worker', 'worker'], true, { EXECUTION_CONCURRENCY: slots });
    const ingest = started.slice(0, 1);
    const { workflowId, hookPath } = await setUp(ingest[0], { limit: 2, key: '{{ $trigger.body.customer }}' });
    // A backlog for one customer first: its jobs reach the workers before anyone else's.
    const busy = Array.from({ length: 12 }, (_, seq) => ({ customer: 'acme', seq }));
    const others = Array.from({ length: 8 }, (_, seq) => ({ customer: customers[1 + (seq % 4)], seq: 100 + seq }));
    await send(ingest, hookPath, busy);
    await send(ingest, hookPath, others);
    // The other customers finish while acme still has PENDING work: its jobs did not wait in the workers' slots.
    const deadline = Date.now() + 180_000;
    while (customers.slice(1).some((customer) => (target.completed.get(customer) ?? 0) < 2)) {
      if (Date.now() > deadline) throw new Error(`Other customers did not finish: ${JSON.stringify([...target.completed])}`);
      await sleep(20);
    }
    expect(target.completed.get('acme') ?? 0).toBeLessThan(busy.length);
    const rows = await untilAllEnded(workflowId, busy.length + others.length);
    expect(rows.every((row) => row.status === 'COMPLETED')).toBe(true);
    expect(target.completed.get('acme')).toBe(busy.length);
    for (const customer of customers) expect(target.maxInFlight.get(customer), customer).toBeLessThanOrEqual(2);
    expect(target.maxInFlight.get('acme')).toBe(2);
    expect(target.maxCustomersAtOnce).toBe(customers.length);
  }, 600_000);

  describe('claims under the limit (ConcurrencyRepository)', () => {
    const workflowId = newId();
    const repository = () => new ConcurrencyRepository(db);

    const insert = async (key: string, count: number, status = 'PENDING'): Promise<string[]> => {
      const owner: Array<{ id: string }> = await db.query(`SELECT id FROM users LIMIT 1`);
      const ids = Array.from({ length: count }, () => newId());
      for (const id of ids) {
        await db.query(
          `INSERT INTO workflow_executions (id, "workflowId", "workflowVersion", "userId", mode, status, "triggerData", "createdAt", "concurrencyKey")
           VALUES ($1, $2, 1, $3, 'manual', $4, '{}'::jsonb, now(), $5)`,
          [id, workflowId, owner[0].id, status, key],
        );
      }
      return ids;
    };

    beforeAll(async () => {
      await db.query(
        `INSERT INTO workflows (id, "ownerId", name, nodes, connections, settings, version)
         SELECT $1, id, 'limited', '[]'::jsonb, '{}'::jsonb, '{"concurrency":{"limit":2,"key":"{{ $trigger.body.customer }}"}}'::jsonb, 1 FROM users LIMIT 1`,
        [workflowId],
      );
    });

    it('starts the oldest PENDING execution of the key first, up to the limit, and WAITING ones do not count', async () => {
      await insert('fifo', 1, 'WAITING');
      const pending = await insert('fifo', 4);
      const claimed = [];
      for (let i = 0; i < 4; i++) claimed.push((await repository().claimNext(workflowId, 'fifo', 'test', 30_000))?.id ?? null);
      expect(claimed).toEqual([pending[0], pending[1], null, null]);
      await db.query(`UPDATE workflow_executions SET status = 'COMPLETED' WHERE id = $1`, [pending[0]]);
      expect((await repository().claimNext(workflowId, 'fifo', 'test', 30_000))?.id).toBe(pending[2]);
    });

    it('lets twenty concurrent claims of one key start exactly the limit, and leaves other keys alone', async () => {
      await insert('race', 10);
      await insert('calm', 1);
      const results = await Promise.all(Array.from({ length: 20 }, () => repository().claimNext(workflowId, 'race', 'test', 30_000)));
      expect(results.filter(Boolean)).toHaveLength(2);
      const startable = await repository().findStartable(100);
      expect(startable.filter((row) => row.workflowId === workflowId).map((row) => row.concurrencyKey)).toEqual(['calm']);
    });
  });
});
