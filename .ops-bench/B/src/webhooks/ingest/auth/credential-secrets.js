import { Logger } from '@nestjs/common';
import { AppError } from '../../../common/app-error.js';
import { CredentialDecryptionError } from '../../../credentials/credential-crypto.js';
import { unauthorized } from './auth-request.js';
/** A credential PATCH takes effect within this long on every replica. */
export const SECRET_TTL_MS = 2000;
const MAX_ENTRIES = 10_000;
/**
 * Decrypted webhook credentials, kept for two seconds so that a busy webhook costs no query per
 * request. Concurrent requests share one load.
 */
export class CredentialSecrets {
    credentials;
    logger = new Logger('WebhookAuthenticator');
    entries = new Map();
    constructor(credentials) {
        this.credentials = credentials;
    }
    /** The credential's data if it exists, belongs to `ownerId` and is of `type`; otherwise 401. */
    async get(id, type, ownerId) {
        const loaded = await this.load(id);
        if (loaded.type !== type || loaded.ownerId !== ownerId) {
            this.logger.warn(`Webhook credential ${id} is not a ${type} credential of the workflow's owner; refusing the request`);
            throw unauthorized('The webhook authentication is misconfigured');
        }
        return loaded.data;
    }
    load(id) {
        const now = Date.now();
        const cached = this.entries.get(id);
        if (cached && cached.expiresAt > now)
            return cached.loading;
        if (this.entries.size >= MAX_ENTRIES)
            this.prune(now);
        const loading = this.fetch(id);
        this.entries.set(id, { expiresAt: now + SECRET_TTL_MS, loading });
        // A credential that is missing or unreadable stays refused for the TTL (no query and log line per
        // request of a flood); any other failure, such as the database being down, is retried at once.
        loading.catch((error) => {
            if (!(error instanceof AppError) && this.entries.get(id)?.loading === loading)
                this.entries.delete(id);
        });
        return loading;
    }
    async fetch(id) {
        let entity;
        try {
            entity = await this.credentials.getCredentials(id);
        }
        catch (error) {
            // Unknown credential: the webhook cannot be satisfied. Database errors pass through (503).
            if (error instanceof AppError && error.code === 'not_found')
                throw unauthorized('The webhook authentication is misconfigured');
            throw error;
        }
        try {
            return { type: entity.type, ownerId: entity.ownerId, data: this.credentials.decrypt(entity) };
        }
        catch (error) {
            if (error instanceof CredentialDecryptionError) {
                // The operator's problem (a missing old key), not the sender's: logged by id, never the value.
                this.logger.error(error.message);
                throw unauthorized('The webhook credential could not be read');
            }
            throw error;
        }
    }
    prune(now) {
        for (const [id, entry] of this.entries)
            if (entry.expiresAt <= now)
                this.entries.delete(id);
        if (this.entries.size >= MAX_ENTRIES)
            this.entries.clear();
    }
}
//# sourceMappingURL=credential-secrets.js.map