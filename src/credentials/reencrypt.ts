import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../database/embedded-postgres.js';
import { createCredentialCipher } from './credential-crypto.js';
import { reencryptCredentials } from './credential-reencryption.js';

/**
 * `npm run credentials:reencrypt` (docs/security.md): after setting a new ENCRYPTION_KEY and moving the old
 * one to ENCRYPTION_KEYS_OLD, moves every credential onto the new key so the old one can be retired.
 * Reads the same environment as the service (DATABASE_URL, or the embedded database under DATA_DIR:
 * stop the service first in that case, as only one process may open that directory).
 * Exit status: 0 when every credential is on the current key, 1 when some could not be moved,
 * 2 when the run could not start.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const cipher = createCredentialCipher(config, (message) => process.stderr.write(`${message}\n`));
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.dataDir, 2);
    url = embedded.url;
  }
  // Raw queries only: no entities, and no migrations (a schema that is not there is an error).
  const dataSource = new DataSource({ type: 'postgres', url, installExtensions: false, logging: false, extra: { max: 1, connectionTimeoutMillis: 5000 } });
  try {
    await dataSource.initialize();
    process.stdout.write(`Re-encrypting credentials onto key ${cipher.currentKeyId} (${embedded ? `embedded database in ${config.dataDir}` : 'DATABASE_URL'})\n`);
    const report = await reencryptCredentials(dataSource, cipher, {
      onBatch: (progress) => process.stdout.write(`  checked ${progress.reencrypted + progress.alreadyCurrent + progress.failed.length}\n`),
    });
    for (const failure of report.failed) process.stdout.write(`Failed ${failure.id}: ${failure.reason}\n`);
    process.stdout.write(`Re-encrypted: ${report.reencrypted}, already current: ${report.alreadyCurrent}, failed: ${report.failed.length}\n`);
    if (report.failed.length) {
      process.stdout.write('Failed credentials were left untouched: supply their key in ENCRYPTION_KEYS_OLD and run again, or replace their data through PATCH /credentials/:id.\n');
    }
    return report.failed.length ? 1 : 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    // A ConfigError names the variable, never its value; other errors are connection or SQL problems.
    process.stderr.write(`${error instanceof ConfigError ? error.message : `Re-encryption failed: ${error.message}`}\n`);
    process.exit(2);
  },
);
