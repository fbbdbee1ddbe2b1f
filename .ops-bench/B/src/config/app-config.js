import { isAbsolute, resolve } from 'node:path';
export class ConfigError extends Error {
    variable;
    constructor(variable, problem) {
        super(`Invalid configuration: ${variable} ${problem}`);
        this.variable = variable;
    }
}
function read(env, name) {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
}
function integer(env, name, fallback, min, max) {
    const raw = read(env, name);
    if (raw === undefined)
        return fallback;
    if (!/^-?\d+$/.test(raw))
        throw new ConfigError(name, `must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
        throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
    return value;
}
function boolean(env, name, fallback) {
    const raw = read(env, name)?.toLowerCase();
    if (raw === undefined)
        return fallback;
    if (['true', '1', 'yes'].includes(raw))
        return true;
    if (['false', '0', 'no'].includes(raw))
        return false;
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
}
function oneOf(env, name, allowed, fallback) {
    const raw = read(env, name);
    if (raw === undefined)
        return fallback;
    if (!allowed.includes(raw)) {
        throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw;
}
function url(env, name, protocols, fallback) {
    const raw = read(env, name) ?? fallback;
    if (raw === undefined)
        return undefined;
    let parsed;
    try {
        parsed = new URL(raw);
    }
    catch {
        throw new ConfigError(name, 'must be a valid URL');
    }
    if (!protocols.includes(parsed.protocol)) {
        throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
    }
    return raw.replace(/\/+$/, '');
}
/** 32 bytes as 64 hex characters or base64; the value itself is never echoed. */
function encryptionKey(name, value) {
    const ok = /^[0-9a-f]{64}$/i.test(value) || (/^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64').length === 32);
    if (!ok)
        throw new ConfigError(name, 'must be 32 bytes written as 64 hex characters or as base64 (e.g. the output of `openssl rand -hex 32`)');
    return value;
}
function list(env, name) {
    return (read(env, name) ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}
function redisPrefix(env) {
    const value = read(env, 'REDIS_PREFIX') ?? 'wfe';
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value))
        throw new ConfigError('REDIS_PREFIX', 'must be 1 to 64 letters, digits, "_", "." or "-"');
    return value;
}
export function loadConfig(env = process.env) {
    const port = integer(env, 'PORT', 3000, 0, 65535);
    const dataDir = read(env, 'DATA_DIR') ?? './data';
    const adminApiKey = read(env, 'ADMIN_API_KEY');
    const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
    const appRole = oneOf(env, 'APP_ROLE', ['all', 'api', 'worker'], 'all');
    // Split roles share the work through Redis and one database: without either, an api process
    // would accept executions no worker ever sees.
    if (appRole !== 'all' && !redisUrl)
        throw new ConfigError('APP_ROLE', `is "${appRole}" but REDIS_URL is not set: the api and worker roles need Redis (queue mode); use APP_ROLE=all for a single process`);
    if (appRole !== 'all' && !read(env, 'DATABASE_URL'))
        throw new ConfigError('APP_ROLE', `is "${appRole}" but DATABASE_URL is not set: the api and worker roles share one PostgreSQL server, not the embedded database`);
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
        publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:'], `http://localhost:${port}`),
        logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
        webhookMaxBodyBytes: integer(env, 'WEBHOOK_MAX_BODY_BYTES', 1024 * 1024, 1, 100 * 1024 * 1024),
        executionTimeoutMs: integer(env, 'EXECUTION_TIMEOUT_MS', 300_000, 100, 86_400_000),
        executionsRetentionDays: integer(env, 'EXECUTIONS_RETENTION_DAYS', 14, 1, 3650),
        executionsRetentionIntervalMs: integer(env, 'EXECUTIONS_RETENTION_INTERVAL_MS', 300_000, 1000, 86_400_000),
        httpAllowedHosts: list(env, 'HTTP_ALLOWED_HOSTS').map((host) => host.toLowerCase()),
        httpAllowPrivateNetworks: boolean(env, 'HTTP_ALLOW_PRIVATE_NETWORKS', false),
        resendApiUrl: url(env, 'RESEND_API_URL', ['http:', 'https:'], 'https://api.resend.com'),
        telegramApiUrl: url(env, 'TELEGRAM_API_URL', ['http:', 'https:'], 'https://api.telegram.org'),
        // A worker serves only health and metrics (SPEC §3).
        swaggerEnabled: boolean(env, 'SWAGGER_ENABLED', true) && appRole !== 'worker',
        dbMigrateOnStart: boolean(env, 'DB_MIGRATE_ON_START', true),
        dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
        shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
        executionConcurrency: integer(env, 'EXECUTION_CONCURRENCY', 20, 1, 1000),
        executionLeaseMs: integer(env, 'EXECUTION_LEASE_MS', 30_000, 1000, 3_600_000),
        executionSweepIntervalMs: integer(env, 'EXECUTION_SWEEP_INTERVAL_MS', 5000, 100, 600_000),
        metricsToken: read(env, 'METRICS_TOKEN'),
        corsOrigins: list(env, 'CORS_ORIGINS'),
    };
}
/** Injection token for the parsed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
//# sourceMappingURL=app-config.js.map