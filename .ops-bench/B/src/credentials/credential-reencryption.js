import { CredentialDecryptionError } from './credential-crypto.js';
/** Attempts per row when a concurrent PATCH replaces it between our read and our write. */
const MAX_ATTEMPTS = 3;
/**
 * SPEC §9.2 key rotation: moves every credential onto the cipher's current key, in id order and in
 * small batches so that a large table is never held in memory or locked at once. Each write is
 * conditional on the value read (`WHERE data = <old>`), so a credential changed through the API
 * meanwhile is re-read rather than overwritten. `updatedAt` is left alone: the secret did not change.
 * Safe to run again (and while the service runs against a database server): current rows are skipped.
 */
export async function reencryptCredentials(dataSource, cipher, options = {}) {
    const batchSize = options.batchSize ?? 100;
    const report = { reencrypted: 0, alreadyCurrent: 0, failed: [] };
    let after = null;
    for (;;) {
        const rows = await dataSource.query(`SELECT "id", "data" FROM "credentials" WHERE $1::uuid IS NULL OR "id" > $1::uuid ORDER BY "id" LIMIT $2`, [after, batchSize]);
        if (!rows.length)
            break;
        for (const row of rows)
            await reencryptRow(dataSource, cipher, row, report);
        after = rows[rows.length - 1].id;
        options.onBatch?.(report);
        if (rows.length < batchSize)
            break;
    }
    return report;
}
async function reencryptRow(dataSource, cipher, row, report) {
    let current = row;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        if (cipher.isCurrent(current.data)) {
            report.alreadyCurrent++;
            return;
        }
        let replacement;
        try {
            replacement = cipher.encrypt(current.id, cipher.decrypt(current.id, current.data));
        }
        catch (error) {
            if (!(error instanceof CredentialDecryptionError))
                throw error;
            report.failed.push({ id: current.id, reason: error.message });
            return;
        }
        const [, updated] = (await dataSource.query(`UPDATE "credentials" SET "data" = $1 WHERE "id" = $2 AND "data" = $3`, [replacement, current.id, current.data]));
        if (updated === 1) {
            report.reencrypted++;
            return;
        }
        const [fresh] = await dataSource.query(`SELECT "id", "data" FROM "credentials" WHERE "id" = $1`, [current.id]);
        if (!fresh)
            return; // Deleted meanwhile: nothing left to move.
        current = fresh;
    }
    report.failed.push({ id: row.id, reason: `Credential ${row.id} kept changing while it was being re-encrypted; run again` });
}
//# sourceMappingURL=credential-reencryption.js.map