/**
 * The yardstick of bench/README.md: the least a webhook receiver can do durably. For each POST it reads
 * the body, parses it as JSON, inserts one row with it into PostgreSQL and answers 202 once the
 * insert has committed. No framework, no validation, no batching. The bench starts it as a child
 * process with DATABASE_URL, PORT and DB_POOL_SIZE, and measures it like the service.
 */
import http from 'node:http';
import pg from 'pg';

const port = Number(process.env.PORT);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE || 10) });
pool.on('error', () => undefined);

await pool.query(`CREATE TABLE IF NOT EXISTS bench_baseline_events (
  id bigserial PRIMARY KEY,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
)`);

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200).end('ok');
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const { rows } = await pool.query('INSERT INTO bench_baseline_events (payload) VALUES ($1) RETURNING id', [payload]);
      response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: rows[0].id }));
    } catch (error) {
      response.writeHead(error instanceof SyntaxError ? 400 : 503).end();
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => server.close(() => pool.end().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
