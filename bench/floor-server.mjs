/**
 * The floor of bench/README.md, "How far the targets are from what the machine allows": the least a
 * durable workflow runner can do per execution, hand-written with nothing but `http`, `pg`, `ioredis`
 * and `undici`, batched the way the service batches. It answers the question the bare-insert
 * baseline cannot: what ratio to that baseline is reachable at all on this machine, with the same
 * row writes and queue hops as the service, but no framework, no expressions, no node records, no
 * metrics, no checks, no partitions or triggers, and no recovery; the same indexes (but for partial
 * ones) unless FLOOR_INDEXES=lean; small rows unless FLOOR_ROWS=full (below). Never a product: a yardstick.
 *
 * ROLE (env):
 * - `single`: POST → one INSERT per batch (the row already claimed, `RUNNING`), 202 after the commit;
 *   then, with EFFECT_URL, the outside POST (keep-alive), and one UPDATE per batch to `COMPLETED`.
 *   Without EFFECT_URL the row is inserted `COMPLETED` with its output (the pure workflow).
 * - `api`: POST → one INSERT per batch (`PENDING`), 202 after the commit, one RPUSH per batch.
 * - `worker`: BLMPOP up to 500 ids; pure: one SELECT of their trigger data, one UPDATE to `COMPLETED`;
 *   with EFFECT_URL: one claiming UPDATE … RETURNING (committed before the outside call), the calls,
 *   one UPDATE to `COMPLETED`. Several such loops at once.
 * DATABASE_URL, PORT (api, single), DB_POOL_SIZE, REDIS_URL, QUEUE_KEY (api, worker), WORKER_LOOPS (4).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { request as undiciRequest } from 'undici';
import { serveJsonPosts } from './lib/json-post-server.mjs';

const role = process.env.ROLE;
const effectUrl = process.env.EFFECT_URL;
// Connections kept for the whole run: a backend that exits takes its CPU time out of the count.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE || 10), idleTimeoutMillis: 0 });
pool.on('error', () => undefined);
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null }) : undefined;
const queueKey = process.env.QUEUE_KEY;
let stopping = false;

/** At most two flushes at once; the items that arrive meanwhile go together in the next (as the service's Batcher). */
function batcher(flush) {
  const pending = [];
  let inFlight = 0;
  let scheduled = false;
  const drain = () => {
    while (pending.length && inFlight < 2) {
      const batch = pending.splice(0, 500);
      inFlight++;
      flush(batch.map((entry) => entry.item))
        .then(
          () => batch.forEach((entry) => entry.resolve()),
          (error) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          inFlight--;
          drain();
        });
    }
  };
  return (item) =>
    new Promise((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          drain();
        });
      }
    });
}

const output = (trigger) => ({ email: trigger.email, score: trigger.score, processed: true });

/**
 * FLOOR_ROWS=full: rows with what the service stores for the same request (bench/lib/service-api.mjs's
 * workflows): trigger data with the request's headers, and node records as serializeNodeRecords
 * writes them, with the first call's records in the row that is inserted (or claimed) before the
 * call. `trigger` or `records` take either alone. By default the floor stores the body and the
 * outputs only, so this tells what the rows' content costs from the rest of PostgreSQL's share.
 */
const fullRecords = ['full', 'records'].includes(process.env.FLOOR_ROWS);
const fullTrigger = ['full', 'trigger'].includes(process.env.FLOOR_ROWS);
const HEADERS = { host: '127.0.0.1:40073', accept: '*/*', connection: 'keep-alive', 'user-agent': 'node', 'content-type': 'application/json', 'content-length': '55', 'sec-fetch-mode': 'cors', 'accept-encoding': 'gzip, deflate', 'accept-language': '*' };
const triggerDoc = (body) => (fullTrigger ? { body, query: {}, method: 'POST', headers: HEADERS, receivedAt: new Date().toISOString() } : body);
const bodyOf = (stored) => (fullTrigger ? stored.body : stored);
/** A node record as the service stores it; `refs`: an input or output stored as a reference to an earlier value. */
function record(nodeId, nodeName, nodeType, output, refs, status = 'SUCCESS') {
  const at = new Date().toISOString();
  const done = status === 'SUCCESS';
  return { error: null, input: null, branch: 0, nodeId, output, status, attempts: 1, ...refs, nodeName, nodeType, startedAt: at, completedAt: done ? at : null, executionTime: done ? 0 : null };
}
const triggerRecord = () => record('n1', 'Webhook', 'trigger', null, { outputRef: 'triggerData' });
const CALL_HEADERS = { date: new Date().toUTCString(), connection: 'keep-alive', 'keep-alive': 'timeout=60', 'content-type': 'application/json', 'content-length': '22' };
/** What the effect workflow's row holds before its call: the trigger's record and the call's, started. */
const startedNodes = () => (fullRecords ? [triggerRecord(), record('n2', 'Notify', 'httpRequest', null, { inputRef: 'triggerData' }, 'RUNNING')] : null);
/** The final records: of the effect workflow given the call's `answer`, else of the pure one. */
function finalNodes(body, answer) {
  if (!fullRecords) return answer === undefined ? { set: output(body) } : { http: answer, set: output(body) };
  if (answer === undefined) return [triggerRecord(), record('n2', 'Check score', 'condition', null, { inputRef: 'triggerData', outputRef: 'triggerData' }), record('n3', 'Shape', 'set', output(body), { inputRef: 'triggerData' })];
  return [triggerRecord(), record('n2', 'Notify', 'httpRequest', { data: answer, status: 200, headers: CALL_HEADERS }, { inputRef: 'triggerData' }), record('n3', 'Shape', 'set', output(body), { inputRef: 'output:Notify' })];
}

const insert = batcher(async (rows) => {
  await pool.query(
    `INSERT INTO floor_executions (id, status, trigger, nodes, completed_at)
     SELECT v.id, v.status, v.trigger, v.nodes, CASE WHEN v.status = 'COMPLETED' THEN now() END
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, status text, trigger jsonb, nodes jsonb)`,
    [JSON.stringify(rows)],
  );
});

const complete = batcher(async (rows) => {
  await pool.query(
    `UPDATE floor_executions e SET status = 'COMPLETED', nodes = v.nodes, completed_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, nodes jsonb) WHERE e.id = v.id`,
    [JSON.stringify(rows)],
  );
});

const enqueue = batcher(async (ids) => {
  await redis.rpush(queueKey, ...ids);
});

async function callOutside(trigger) {
  const answer = await undiciRequest(effectUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: trigger.email }) });
  return answer.body.json();
}

await pool.query(`CREATE TABLE IF NOT EXISTS floor_executions (
  id uuid PRIMARY KEY,
  status text NOT NULL,
  trigger jsonb NOT NULL,
  nodes jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
)`);
await pool.query('CREATE INDEX IF NOT EXISTS floor_executions_status_id ON floor_executions (status, id)');
// The other indexes every row version of workflow_executions gets (migrations), on columns of the
// same types; FLOOR_INDEXES=lean leaves them out, to tell their cost from the rest of PostgreSQL's share.
if (process.env.FLOOR_INDEXES !== 'lean') {
  await pool.query(`ALTER TABLE floor_executions ADD COLUMN IF NOT EXISTS workflow_id uuid NOT NULL DEFAULT '7d3c1f6e-0000-4000-8000-000000000001',
    ADD COLUMN IF NOT EXISTS user_id uuid NOT NULL DEFAULT '7d3c1f6e-0000-4000-8000-000000000002', ADD COLUMN IF NOT EXISTS size_bytes int NOT NULL DEFAULT 100`);
  await pool.query('CREATE INDEX IF NOT EXISTS floor_executions_completed_at ON floor_executions (completed_at)');
  await pool.query('CREATE INDEX IF NOT EXISTS floor_executions_user_id ON floor_executions (user_id, id)');
  await pool.query('CREATE INDEX IF NOT EXISTS floor_executions_workflow_id ON floor_executions (workflow_id, id)');
  await pool.query('CREATE INDEX IF NOT EXISTS floor_executions_workflow_status_id ON floor_executions (workflow_id, status, id) INCLUDE (size_bytes)');
}

let server;
if (role === 'single') {
  server = serveJsonPosts(Number(process.env.PORT), async (trigger) => {
    const id = randomUUID();
    if (!effectUrl) {
      await insert({ id, status: 'COMPLETED', trigger: triggerDoc(trigger), nodes: finalNodes(trigger) });
      return id;
    }
    await insert({ id, status: 'RUNNING', trigger: triggerDoc(trigger), nodes: startedNodes() });
    void callOutside(trigger).then((answer) => complete({ id, nodes: finalNodes(trigger, answer) }));
    return id;
  });
} else if (role === 'api') {
  server = serveJsonPosts(Number(process.env.PORT), async (trigger) => {
    const id = randomUUID();
    await insert({ id, status: 'PENDING', trigger: triggerDoc(trigger), nodes: null });
    void enqueue(id);
    return id;
  });
} else if (role === 'worker') {
  // A blocking pop holds its connection: each loop has its own.
  for (let index = 0; index < Number(process.env.WORKER_LOOPS || 4); index++) void workOn(redis.duplicate());
} else {
  throw new Error(`ROLE must be single, api or worker, not ${role}`);
}

/** Takes batches of ids off the queue until stopped, on its own Redis connection. */
async function workOn(connection) {
  while (!stopping) {
    const popped = await connection.call('BLMPOP', '1', '1', queueKey, 'LEFT', 'COUNT', '500');
    if (!popped) continue;
    const ids = popped[1];
    if (!effectUrl) {
      const { rows } = await pool.query('SELECT id, trigger FROM floor_executions WHERE id = ANY($1::uuid[])', [ids]);
      await Promise.all(rows.map((row) => complete({ id: row.id, nodes: finalNodes(bodyOf(row.trigger)) })));
      continue;
    }
    const { rows } = await pool.query(`UPDATE floor_executions SET status = 'RUNNING', nodes = $2::jsonb WHERE id = ANY($1::uuid[]) AND status = 'PENDING' RETURNING id, trigger`, [ids, fullRecords ? JSON.stringify(startedNodes()) : null]);
    await Promise.all(rows.map(async (row) => complete({ id: row.id, nodes: finalNodes(bodyOf(row.trigger), await callOutside(bodyOf(row.trigger))) })));
  }
}

const stop = () => {
  stopping = true;
  (server ? new Promise((resolve) => server.close(resolve)) : Promise.resolve()).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
