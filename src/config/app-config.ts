import { isAbsolute, resolve } from 'node:path';
import type { TracingConfig } from '../tracing/tracing.js';
import { tracingConfig } from './tracing-config.js';

export type AppRole = 'all' | 'api' | 'worker';

/**
 * Everything the process reads from the environment, parsed once at start-up.
 * A bad value throws a ConfigError naming the variable; main.ts prints that one line and exits.
 */
export interface AppConfig {
  /** HTTP port. */
  port: number;
  /** PostgreSQL URL; undefined means the embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** Redis URL; set, it switches to queue mode (BullMQ). */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  /** Which half of the work this process does. */
  appRole: AppRole;
  /** Directory for the embedded database and generated secrets. */
  dataDir: string;
  /** Current credentials key (32 bytes, hex or base64); undefined: generated into `dataDir`. */
  encryptionKey: string | undefined;
  /** Earlier keys, comma-separated, still accepted for decryption during rotation. */
  encryptionKeysOld: string[];
  /** Bootstrap admin API key; undefined: generated on first start and printed once. */
  adminApiKey: string | undefined;
  /** Base URL used to build webhook and resume URLs. */
  publicUrl: string;
  /** pino level. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest webhook body accepted, in bytes (413 beyond). */
  webhookMaxBodyBytes: number;
  /** Default whole-execution timeout. */
  executionTimeoutMs: number;
  /** Ended executions older than this are deleted in the background. */
  executionsRetentionDays: number;
  /** How often the background retention pass runs (each replica adds up to 10% random jitter). */
  executionsRetentionIntervalMs: number;
  /** Hosts (`host` or `host:port`) the HTTP Request node may reach even when private. */
  httpAllowedHosts: string[];
  /** Lets the HTTP Request node reach private, loopback and link-local addresses. */
  httpAllowPrivateNetworks: boolean;
  /** Base URL of the Resend API. */
  resendApiUrl: string;
  /** Base URL of the Telegram Bot API. */
  telegramApiUrl: string;
  /** Serves Swagger UI at /docs and the OpenAPI document at /docs-json. */
  swaggerEnabled: boolean;
  /** Runs pending migrations at start-up under an advisory lock. */
  dbMigrateOnStart: boolean;
  /** Size of the database connection pool. */
  dbPoolSize: number;
  /** How long in-flight work may run after SIGTERM before it is released. */
  shutdownGraceMs: number;
  /** Executions run at once by this process. */
  executionConcurrency: number;
  /** How long a worker owns an execution without renewing its lease. */
  executionLeaseMs: number;
  /**
   * How often workers search the database for executions nobody runs (committed but never queued,
   * lost from Redis, lease expired, wait due): a lost execution is taken over within
   * `executionLeaseMs` plus this.
   */
  executionSweepIntervalMs: number;
  /**
   * A schedule's due time first seen this long after it came was missed while no replica ran
   * (docs/schedules.md catchUp decides what fires); a shorter delay is lateness, and the time still fires.
   * Longer than any plausible pause of a running replica (a GC, a busy host), shorter than a restart.
   */
  scheduleMissedAfterMs: number;
  /** Optional bearer token protecting /metrics. */
  metricsToken: string | undefined;
  /** Enables CORS for this comma-separated list of origins; empty: CORS off. */
  corsOrigins: string[];
  /** OpenTelemetry tracing from the standard OTEL_* variables; null: off (tracing-config.ts). */
  tracing: TracingConfig | null;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string | undefined {
  const raw = read(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  }
  return raw.replace(/\/+$/, '');
}

/** 32 bytes as 64 hex characters or base64; the value itself is never echoed. */
function encryptionKey(name: string, value: string): string {
  const ok = /^[0-9a-f]{64}$/i.test(value) || (/^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === 32);
  if (!ok) throw new ConfigError(name, 'must be 32 bytes written as 64 hex characters or as base64 (e.g. the output of `openssl rand -hex 32`)');
  return value;
}

function list(env: Env, name: string): string[] {
  return (read(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function redisPrefix(env: Env): string {
  const value = read(env, 'REDIS_PREFIX') ?? 'wfe';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new ConfigError('REDIS_PREFIX', 'must be 1 to 64 letters, digits, "_", "." or "-"');
  return value;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const dataDir = read(env, 'DATA_DIR') ?? './data';
  const adminApiKey = read(env, 'ADMIN_API_KEY');
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const appRole = oneOf(env, 'APP_ROLE', ['all', 'api', 'worker'] as const, 'all');
  // Split roles share the work through Redis and one database: without either, an api process
  // would accept executions no worker ever sees.
  if (appRole !== 'all' && !redisUrl) throw new ConfigError('APP_ROLE', `is "${appRole}" but REDIS_URL is not set: the api and worker roles need Redis (queue mode); use APP_ROLE=all for a single process`);
  if (appRole !== 'all' && !read(env, 'DATABASE_URL')) throw new ConfigError('APP_ROLE', `is "${appRole}" but DATABASE_URL is not set: the api and worker roles share one PostgreSQL server, not the embedded database`);
  if (adminApiKey !== undefined && adminApiKey.length < 32) {
    throw new ConfigError('ADMIN_API_KEY', 'must be at least 32 characters');
  }
  return {
    port,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl,
    redisPrefix: redisPrefix(env),
    appRole,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(process.cwd(), dataDir),
    encryptionKey: ((key) => (key === undefined ? undefined : encryptionKey('ENCRYPTION_KEY', key)))(read(env, 'ENCRYPTION_KEY')),
    encryptionKeysOld: list(env, 'ENCRYPTION_KEYS_OLD').map((key) => encryptionKey('ENCRYPTION_KEYS_OLD', key)),
    adminApiKey,
    publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:'], `http://localhost:${port}`)!,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    webhookMaxBodyBytes: integer(env, 'WEBHOOK_MAX_BODY_BYTES', 1024 * 1024, 1, 100 * 1024 * 1024),
    executionTimeoutMs: integer(env, 'EXECUTION_TIMEOUT_MS', 300_000, 100, 86_400_000),
    executionsRetentionDays: integer(env, 'EXECUTIONS_RETENTION_DAYS', 14, 1, 3650),
    executionsRetentionIntervalMs: integer(env, 'EXECUTIONS_RETENTION_INTERVAL_MS', 300_000, 1000, 86_400_000),
    httpAllowedHosts: list(env, 'HTTP_ALLOWED_HOSTS').map((host) => host.toLowerCase()),
    httpAllowPrivateNetworks: boolean(env, 'HTTP_ALLOW_PRIVATE_NETWORKS', false),
    resendApiUrl: url(env, 'RESEND_API_URL', ['http:', 'https:'], 'https://api.resend.com')!,
    telegramApiUrl: url(env, 'TELEGRAM_API_URL', ['http:', 'https:'], 'https://api.telegram.org')!,
    // A worker serves only health and metrics (docs/scaling.md).
    swaggerEnabled: boolean(env, 'SWAGGER_ENABLED', true) && appRole !== 'worker',
    dbMigrateOnStart: boolean(env, 'DB_MIGRATE_ON_START', true),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    executionConcurrency: integer(env, 'EXECUTION_CONCURRENCY', 256, 1, 1000),
    executionLeaseMs: integer(env, 'EXECUTION_LEASE_MS', 30_000, 1000, 3_600_000),
    executionSweepIntervalMs: integer(env, 'EXECUTION_SWEEP_INTERVAL_MS', 5000, 100, 600_000),
    scheduleMissedAfterMs: integer(env, 'SCHEDULE_MISSED_AFTER_MS', 10_000, 1000, 3_600_000),
    metricsToken: read(env, 'METRICS_TOKEN'),
    corsOrigins: list(env, 'CORS_ORIGINS'),
    tracing: tracingConfig(env),
  };
}

/** Injection token for the parsed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
