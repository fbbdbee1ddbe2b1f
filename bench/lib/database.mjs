import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

/** The bench database's URL: the admin URL with another database name. */
export function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function pool(url, max) {
  const created = new pg.Pool({ connectionString: url, max });
  // An idle client's error (the server restarting) must not crash the bench (STACK.md).
  created.on('error', () => undefined);
  return created;
}

export async function createDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/** WITH (FORCE) ends whatever connections a killed child left behind. */
export async function dropDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * The bench's own connection to the bench database: counts, statistics. Every query is counted,
 * because the bench's own transactions show up in pg_stat_database too.
 */
export class BenchDb {
  constructor(url, name) {
    this.name = name;
    this.pool = pool(url, 2);
    this.queries = 0;
  }

  async query(text, values) {
    this.queries++;
    return this.pool.query(text, values);
  }

  async serverVersion() {
    return (await this.query('SHOW server_version')).rows[0].server_version;
  }

  /** Executions by status, e.g. `{ COMPLETED: 120, PENDING: 3 }`. */
  async statusCounts() {
    const { rows } = await this.query('SELECT status, count(*)::int AS n FROM workflow_executions GROUP BY status');
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  async backlog() {
    const counts = await this.statusCounts();
    return (counts.PENDING ?? 0) + (counts.RUNNING ?? 0);
  }

  /** Polls until nothing is PENDING or RUNNING; returns how long that took and whether it made it. */
  async waitForDrain(capMs, intervalMs = 250) {
    const started = Date.now();
    for (;;) {
      const backlog = await this.backlog();
      if (backlog === 0) return { drained: true, ms: Date.now() - started, left: 0 };
      if (Date.now() - started > capMs) return { drained: false, ms: Date.now() - started, left: backlog };
      await sleep(intervalMs);
    }
  }

  async executionStatus(id) {
    return (await this.query('SELECT status FROM workflow_executions WHERE id = $1', [id])).rows[0]?.status;
  }

  /** The errors of the latest FAILED executions, to say why in the report. */
  async recentErrors(limit) {
    const { rows } = await this.query(`SELECT error FROM workflow_executions WHERE status = 'FAILED' ORDER BY "completedAt" DESC NULLS LAST LIMIT $1`, [limit]);
    return rows.map((row) => row.error);
  }

  /** Transactions of this database and row writes of the executions table, for before/after deltas. */
  async activity() {
    const database = (await this.query('SELECT xact_commit::bigint AS commits, xact_rollback::bigint AS rollbacks FROM pg_stat_database WHERE datname = current_database()')).rows[0];
    // A partitioned table (workflow_executions, by day) has no rows of its own: its partitions' writes are summed under its name.
    const tables = (
      await this.query(
        `SELECT COALESCE(p.relname, s.relname) AS relname, sum(s.n_tup_ins)::bigint AS ins, sum(s.n_tup_upd)::bigint AS upd, sum(s.n_tup_del)::bigint AS del
           FROM pg_stat_user_tables s LEFT JOIN pg_inherits i ON i.inhrelid = s.relid LEFT JOIN pg_class p ON p.oid = i.inhparent
          GROUP BY 1`,
      )
    ).rows;
    return {
      ownQueries: this.queries,
      transactions: Number(database.commits) + Number(database.rollbacks),
      rollbacks: Number(database.rollbacks),
      rowWrites: Object.fromEntries(tables.map((row) => [row.relname, { ins: Number(row.ins), upd: Number(row.upd), del: Number(row.del) }])),
    };
  }

  async end() {
    await this.pool.end();
  }
}
