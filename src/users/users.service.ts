import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { conflict, invalid, notFound } from '../common/app-error.js';
import { newId } from '../common/uuid.js';
import type { Principal } from '../common/principal.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { generateApiKey, hashApiKey, hashesEqual, keyPrefix } from './api-key.crypto.js';
import { UserEntity, type UserRole } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

const BOOTSTRAP_EMAIL = 'admin@localhost';
const BOOTSTRAP_KEY_NAME = 'ADMIN_API_KEY';
/** lastUsedAt is a hint for people; writing it once a minute per key keeps auth read-only. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class UsersService {
  private readonly logger = new Logger('UsersService');
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly repository: UsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Makes sure an admin can log in: the configured ADMIN_API_KEY, or on first start a generated one
   * printed once. Only its hash is kept.
   */
  async bootstrapAdmin(): Promise<void> {
    await this.repository.withBootstrapLock(async (repository) => {
      let admin = await repository.findUserByEmail(BOOTSTRAP_EMAIL);
      if (!admin) {
        admin = await repository.insertUser(Object.assign(new UserEntity(), { id: newId(), email: BOOTSTRAP_EMAIL, name: 'Administrator', role: 'admin' as const }));
      }
      const existing = await repository.findKeyByName(admin.id, BOOTSTRAP_KEY_NAME);
      const configured = this.config.adminApiKey;
      if (configured) {
        if (existing && hashesEqual(existing.hash, hashApiKey(configured))) return;
        if (existing) await repository.revokeKey(existing.id);
        await this.insertKey(repository, admin.id, BOOTSTRAP_KEY_NAME, configured, null);
        return;
      }
      if (existing) return;
      const generated = generateApiKey();
      await this.insertKey(repository, admin.id, BOOTSTRAP_KEY_NAME, generated, null);
      // Printed once, on purpose: it is the only way to learn the generated key.
      process.stdout.write(`\nNo ADMIN_API_KEY was set, so one was generated. It is shown only this once:\n\n    ${generated}\n\n`);
      this.logger.warn('Generated an admin API key (printed above). Set ADMIN_API_KEY in production.');
    });
  }

  /** Resolves a presented key to its principal, or undefined for unknown, revoked or expired keys. */
  async authenticate(presented: string): Promise<Principal | undefined> {
    if (presented.length < 16 || presented.length > 512) return undefined;
    const hash = hashApiKey(presented);
    const candidates = await this.repository.findKeysByPrefix(keyPrefix(presented));
    const now = Date.now();
    for (const key of candidates) {
      if (!hashesEqual(key.hash, hash)) continue;
      if (key.expiresAt && key.expiresAt.getTime() <= now) return undefined;
      if (!key.user) return undefined;
      this.touch(key.id, now);
      return { userId: key.userId, role: key.user.role, apiKeyId: key.id };
    }
    return undefined;
  }

  async getUser(id: string): Promise<UserEntity> {
    const user = await this.repository.findUser(id);
    if (!user) throw notFound('User', id);
    return user;
  }

  async createUser(input: { email: string; name: string; role?: UserRole }): Promise<UserEntity> {
    const email = input.email.toLowerCase();
    if (await this.repository.findUserByEmail(email)) throw conflict(`A user with email ${email} already exists`);
    return this.repository.insertUser(Object.assign(new UserEntity(), { id: newId(), email, name: input.name, role: input.role ?? 'member' }));
  }

  listUsers(limit: number, cursor: string | undefined): Promise<UserEntity[]> {
    return this.repository.listUsers(limit, cursor);
  }

  async createApiKey(userId: string, name: string, expiresAt: string | undefined): Promise<{ entity: ApiKeyEntity; key: string }> {
    await this.getUser(userId);
    const expiry = expiresAt ? new Date(expiresAt) : null;
    if (expiry && expiry.getTime() <= Date.now()) throw invalid('expiresAt must be in the future');
    const key = generateApiKey();
    const entity = await this.insertKey(this.repository, userId, name, key, expiry);
    return { entity, key };
  }

  async revokeApiKey(id: string): Promise<void> {
    const key = await this.repository.findKey(id);
    if (!key || key.revokedAt) throw notFound('API key', id);
    await this.repository.revokeKey(id);
  }

  private insertKey(repository: UsersRepository, userId: string, name: string, key: string, expiresAt: Date | null): Promise<ApiKeyEntity> {
    return repository.insertKey(
      Object.assign(new ApiKeyEntity(), { id: newId(), userId, name, prefix: keyPrefix(key), hash: hashApiKey(key), expiresAt, lastUsedAt: null, revokedAt: null }),
    );
  }

  private touch(keyId: string, now: number): void {
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now);
    this.repository.touchKey(keyId, new Date(now)).catch((error: Error) => this.logger.warn(`Could not record key use: ${error.message}`));
  }
}
