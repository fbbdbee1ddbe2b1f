import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why the local PostgreSQL cluster cannot be restarted from here, or null when it can. */
export function postgresRestartBlocker(serverUrl) {
  const url = new URL(serverUrl);
  if (process.getuid?.() !== 0) return 'restarting PostgreSQL needs root (CI runs as root)';
  if (!LOCAL_HOSTS.has(url.hostname) || (url.port || '5432') !== '5432') return `DATABASE_URL points at ${url.host}, not the local cluster on 127.0.0.1:5432`;
  if (!existsSync('/etc/postgresql') || !readdirSync('/etc/postgresql').length) return 'no local cluster under /etc/postgresql';
  return null;
}

/** `pg_ctlcluster <version> main restart`; resolves when it returned, with how long it took. */
export async function restartPostgres() {
  const version = readdirSync('/etc/postgresql').sort()[0];
  const started = Date.now();
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
  return Date.now() - started;
}

/** Why the local Redis cannot be restarted from here, or null when it can. */
export function redisRestartBlocker(redisUrl) {
  const url = new URL(redisUrl);
  if (!LOCAL_HOSTS.has(url.hostname) || (url.port || '6379') !== '6379') return `REDIS_URL points at ${url.host}, not the local Redis on 127.0.0.1:6379`;
  if (process.getuid?.() !== 0) return 'restarting Redis with its CI settings needs root (CI runs as root)';
  return null;
}

/** The exact start command of the environment notes (and of .ci/run). */
const REDIS_ARGS = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log'];

export async function redisAnswers(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix:` (a run's BullMQ queue and channels), so no run leaves keys behind. */
export async function deleteRedisKeys(url, prefix) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function stopRedis() {
  await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave']).catch(() => undefined);
  for (let i = 0; i < 50 && (await redisAnswers('redis://127.0.0.1:6379')); i++) await sleep(100);
}

export async function startRedis() {
  if (await redisAnswers('redis://127.0.0.1:6379')) return;
  mkdirSync('/var/lib/redis', { recursive: true });
  mkdirSync('/var/log/redis', { recursive: true });
  await run('redis-server', REDIS_ARGS);
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers('redis://127.0.0.1:6379')) return;
    await sleep(100);
  }
  throw new Error('Redis did not come back');
}
