import pg from 'pg';

export function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh database on the server; `drop()` removes it (FORCE: killed children may leave sessions). */
export async function createDatabase(serverUrl, name) {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(serverUrl, name);
  return {
    url,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Retries while the database restarts. */
export async function query(url, text, values, { retryForMs = 30_000 } = {}) {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      return (await withClient(url, (client) => client.query(text, values))).rows;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Executions of this webhook not yet in a final status. */
export async function unfinished(url, webhookId) {
  const [row] = await query(url, `SELECT count(*)::int AS n FROM workflow_executions WHERE "webhookId" = $1 AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELED')`, [webhookId]);
  return row.n;
}

/** Waits until every execution of the webhook is final; returns how long that took, or throws. */
export async function waitAllFinal(url, webhookId, timeoutMs) {
  const started = Date.now();
  let left = -1;
  while (Date.now() - started < timeoutMs) {
    left = await unfinished(url, webhookId);
    if (left === 0) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${left} execution(s) still not final after ${timeoutMs} ms`);
}

/** Executions a process held (RUNNING under its lease) right now: what a kill leaves in flight. */
const RUNNING_UNDER = `SELECT id FROM workflow_executions WHERE status = 'RUNNING' AND "leaseOwner" LIKE $1`;

export async function runningUnder(url, pid) {
  const rows = await query(url, RUNNING_UNDER, [`%:${pid}:%`]);
  return rows.map((row) => row.id);
}

/**
 * Every execution seen RUNNING under this pid's lease until `until` settles: one connection, a
 * look every 50 ms, so that watching a shutdown does not itself load the database it depends on.
 */
export async function heldUntil(url, pid, until) {
  const held = new Set();
  let settled = false;
  until.then(
    () => (settled = true),
    () => (settled = true),
  );
  await withClient(url, async (client) => {
    for (;;) {
      for (const row of (await client.query(RUNNING_UNDER, [`%:${pid}:%`])).rows) held.add(row.id);
      if (settled) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  return [...held];
}

/**
 * Waits (up to `timeoutMs`) until one of the processes holds an execution, so that a kill right
 * after hits work in flight rather than an idle moment; resolves with that pid, or undefined.
 */
export async function firstBusy(url, pids, timeoutMs = 3000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const deadline = Date.now() + timeoutMs;
    const patterns = pids.map((pid) => `%:${pid}:%`);
    while (Date.now() < deadline) {
      const { rows } = await client.query(`SELECT "leaseOwner" FROM workflow_executions WHERE status = 'RUNNING' AND "leaseOwner" LIKE ANY($1) LIMIT 1`, [patterns]);
      if (rows.length) return pids.find((pid) => rows[0].leaseOwner.includes(`:${pid}:`));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** When the first of `ids` that was taken over (attempt > 1) finished, as epoch ms; null if none. */
export async function firstRecoveredAt(url, ids) {
  if (!ids.length) return null;
  const [row] = await query(url, `SELECT (EXTRACT(EPOCH FROM min("completedAt")) * 1000)::float8 AS at FROM workflow_executions WHERE id = ANY($1::uuid[]) AND attempt > 1`, [ids]);
  return row.at === null ? null : Number(row.at);
}

/**
 * The figures of a run, by idempotency key: accepted (answered 2xx), committed (a row exists),
 * completed exactly once, lost, duplicated, re-run (claimed more than once).
 */
export async function figures(url, webhookId, answers) {
  const rows = await query(
    url,
    `SELECT id, "idempotencyKey" AS key, status, attempt, error FROM workflow_executions WHERE "webhookId" = $1`,
    [webhookId],
  );
  const byKey = new Map();
  for (const row of rows) {
    const list = byKey.get(row.key) ?? [];
    list.push(row);
    byKey.set(row.key, list);
  }
  let completed = 0;
  let lost = 0;
  let uncommitted = 0;
  let duplicated = 0;
  let wrongId = 0;
  for (const [key, executionId] of answers) {
    const list = byKey.get(key) ?? [];
    if (!list.length) uncommitted++;
    if (list.length > 1) duplicated++;
    const done = list.filter((row) => row.status === 'COMPLETED');
    if (done.length === 1) completed++;
    else lost++;
    if (list.length && !list.some((row) => row.id === executionId)) wrongId++;
  }
  const statuses = {};
  for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  return {
    accepted: answers.size,
    committed: rows.length,
    completed,
    lost,
    uncommitted,
    duplicated: duplicated + [...byKey.values()].filter((list) => list.length > 1 && !answers.has(list[0].key)).length,
    wrongId,
    reRun: rows.filter((row) => row.attempt > 1).length,
    statuses,
    /** Why executions failed, when some did: a distinct few. */
    errors: [...new Set(rows.filter((row) => row.error).map((row) => row.error))].slice(0, 3),
  };
}
