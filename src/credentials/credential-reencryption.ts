import type { DataSource } from 'typeorm';
import { CredentialDecryptionError, type CredentialCipher } from './credential-crypto.js';
import { CredentialsRepository, type SealedCredential } from './credentials.repository.js';

export interface ReencryptionReport {
  /** Rows moved onto the current key. */
  reencrypted: number;
  /** Rows that already were on it. */
  alreadyCurrent: number;
  /** Rows left untouched because they could not be opened (or kept changing underneath us). */
  failed: { id: string; reason: string }[];
}

export interface ReencryptionOptions {
  /** Rows read per query; each row is then written on its own, so a failure affects one row only. */
  batchSize?: number;
  /** Called once per batch, for progress output. */
  onBatch?: (report: ReencryptionReport) => void;
}

/** Attempts per row when a concurrent PATCH replaces it between our read and our write. */
const MAX_ATTEMPTS = 3;

/**
 * docs/security.md key rotation: moves every credential onto the cipher's current key, in id order and in
 * small batches so that a large table is never held in memory or locked at once. Each write is
 * conditional on the value read (`WHERE data = <old>`), so a credential changed through the API
 * meanwhile is re-read rather than overwritten. `updatedAt` is left alone: the secret did not change.
 * Safe to run again (and while the service runs against a database server): current rows are skipped.
 */
export async function reencryptCredentials(dataSource: DataSource, cipher: CredentialCipher, options: ReencryptionOptions = {}): Promise<ReencryptionReport> {
  const batchSize = options.batchSize ?? 100;
  const report: ReencryptionReport = { reencrypted: 0, alreadyCurrent: 0, failed: [] };
  const credentials = new CredentialsRepository(dataSource);
  let after: string | null = null;
  for (;;) {
    const rows = await credentials.findSealedPage(after, batchSize);
    if (!rows.length) break;
    for (const row of rows) await reencryptRow(credentials, cipher, row, report);
    after = rows[rows.length - 1].id;
    options.onBatch?.(report);
    if (rows.length < batchSize) break;
  }
  return report;
}

async function reencryptRow(credentials: CredentialsRepository, cipher: CredentialCipher, row: SealedCredential, report: ReencryptionReport): Promise<void> {
  let current: SealedCredential | undefined = row;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (cipher.isCurrent(current.data)) {
      report.alreadyCurrent++;
      return;
    }
    let replacement: string;
    try {
      replacement = cipher.encrypt(current.id, cipher.decrypt(current.id, current.data));
    } catch (error) {
      if (!(error instanceof CredentialDecryptionError)) throw error;
      report.failed.push({ id: current.id, reason: error.message });
      return;
    }
    if (await credentials.replaceSealed(current.id, current.data, replacement)) {
      report.reencrypted++;
      return;
    }
    const fresh = await credentials.findSealed(current.id);
    if (!fresh) return; // Deleted meanwhile: nothing left to move.
    current = fresh;
  }
  report.failed.push({ id: row.id, reason: `Credential ${row.id} kept changing while it was being re-encrypted; run again` });
}
