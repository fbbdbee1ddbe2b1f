/**
 * The yardstick of bench/README.md: the least a webhook receiver can do durably. For each POST it reads
 * the body, parses it as JSON, inserts one row with it into PostgreSQL and answers 202 once the
 * insert has committed. No framework, no validation, no batching. The bench starts it as a child
 * process with DATABASE_URL, PORT and DB_POOL_SIZE, and measures it like the service.
 */
import pg from 'pg';
import { serveJsonPosts } from './lib/json-post-server.mjs';

const port = Number(process.env.PORT);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE || 10) });
pool.on('error', () => undefined);

await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_events (
  id bigserial PRIMARY KEY,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
)`);

const server = serveJsonPosts(port, async (payload) => {
  const { rows } = await pool.query('INSERT INTO bench_baseline_events (payload) VALUES ($1) RETURNING id', [payload]);
  return rows[0].id;
});

const stop = () => server.close(() => pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
