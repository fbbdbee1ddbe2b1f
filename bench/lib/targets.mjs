import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, stopChild, waitForHttp } from './children.mjs';

/** Variables of the service that must come from the bench, never from the caller's shell. */
const SERVICE_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'APP_ROLE', 'PORT', 'DATA_DIR', 'ADMIN_API_KEY', 'ENCRYPTION_KEY', 'ENCRYPTION_KEYS_OLD', 'PUBLIC_URL', 'LOG_LEVEL', 'DB_POOL_SIZE', 'DB_MIGRATE_ON_START', 'METRICS_TOKEN', 'SHUTDOWN_GRACE_MS', 'HTTP_ALLOWED_HOSTS', 'HTTP_ALLOW_PRIVATE_NETWORKS'];

function cleanEnv() {
  const env = { ...process.env };
  for (const name of SERVICE_VARIABLES) delete env[name];
  return env;
}

/**
 * The flags `npm run start:prod` gives node (the image's CMD gives the same): the service is measured
 * as it ships, whatever they are.
 */
export const SERVICE_NODE_FLAGS = (() => {
  const packageJson = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
  const script = JSON.parse(readFileSync(packageJson, 'utf8')).scripts['start:prod'];
  const command = script.split(/\s+/);
  const [node, entry] = [command.indexOf('node'), command.indexOf('dist/src/main.js')];
  if (node < 0 || entry < node) throw new Error(`package.json start:prod is not "node [flags] dist/src/main.js": ${script}`);
  return command.slice(node + 1, entry);
})();

/** Variables every service of the run gets (`--tracing`: the OTLP sink's), set once by run.mjs. */
export const serviceEnv = {};

/** One admin key and credentials key for the whole run (the workflow survives a restart). */
export const secrets = { adminApiKey: randomBytes(24).toString('hex'), encryptionKey: randomBytes(32).toString('hex') };

/**
 * Starts `node <SERVICE_NODE_FLAGS> <dist>/src/main.js` and waits for /health/ready. A temporary DATA_DIR keeps the
 * working tree's ./data untouched.
 */
export async function startService(dist, { name = 'service', databaseUrl, poolSize, logLevel, role, redisUrl, redisPrefix, nodeArgs = [], extraEnv = {} }) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'wfe-bench-'));
  const env = {
    ...cleanEnv(),
    NODE_ENV: 'production',
    NO_COLOR: '1',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_API_KEY: secrets.adminApiKey,
    ENCRYPTION_KEY: secrets.encryptionKey,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: logLevel,
    DB_POOL_SIZE: String(poolSize),
    SHUTDOWN_GRACE_MS: '3000',
    ...(role ? { APP_ROLE: role } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix } : {}),
    ...serviceEnv,
    ...extraEnv,
  };
  const handle = startChild(name, [...SERVICE_NODE_FLAGS, ...nodeArgs, join(dist, 'src', 'main.js')], env);
  handle.baseUrl = `http://127.0.0.1:${port}`;
  handle.dataDir = dataDir;
  const started = Date.now();
  await waitForHttp(handle, `${handle.baseUrl}/health/ready`);
  handle.startMs = Date.now() - started;
  return handle;
}

export async function stopService(handle) {
  if (!handle) return;
  await stopChild(handle);
  if (handle.dataDir) rmSync(handle.dataDir, { recursive: true, force: true });
}

export async function startBaseline(root, { databaseUrl, poolSize }) {
  const port = await freePort();
  // With the service's node flags: a flag that speeds up any Node server speeds up the yardstick too.
  const handle = startChild('baseline', [...SERVICE_NODE_FLAGS, join(root, 'bench', 'baseline-server.mjs')], { ...cleanEnv(), DATABASE_URL: databaseUrl, PORT: String(port), DB_POOL_SIZE: String(poolSize) });
  handle.baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(handle, `${handle.baseUrl}/health`);
  return handle;
}

/** The effect workflow's outside API (json-server.mjs), a process of its own. */
export async function startJsonServer(root) {
  const port = await freePort();
  const handle = startChild('json server', [join(root, 'bench', 'json-server.mjs')], { ...cleanEnv(), PORT: String(port) });
  handle.baseUrl = `http://127.0.0.1:${port}`;
  handle.hostPort = `127.0.0.1:${port}`;
  await waitForHttp(handle, `${handle.baseUrl}/stats`);
  return handle;
}
