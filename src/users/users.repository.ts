import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, LessThan, type Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';
import { UserEntity } from './user.entity.js';

@Injectable()
export class UsersRepository {
  private readonly users: Repository<UserEntity>;
  private readonly keys: Repository<ApiKeyEntity>;

  private readonly manager: EntityManager;

  constructor(dataSource: DataSource) {
    this.manager = dataSource.manager;
    this.users = this.manager.getRepository(UserEntity);
    this.keys = this.manager.getRepository(ApiKeyEntity);
  }

  findUser(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** Whether the user is an admin (who may run any workflow as a sub-workflow, docs/lists-and-subworkflows.md). */
  async isAdmin(id: string): Promise<boolean> {
    return this.users.existsBy({ id, role: 'admin' });
  }

  findUserByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  insertUser(user: UserEntity): Promise<UserEntity> {
    return this.users.save(user);
  }

  /** Newest first, after `cursor` (an id) when given. */
  listUsers(limit: number, cursor: string | undefined): Promise<UserEntity[]> {
    return this.users.find({
      where: cursor ? { id: LessThan(cursor) } : {},
      order: { id: 'DESC' },
      take: limit + 1,
    });
  }

  findKeysByPrefix(prefix: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { prefix, revokedAt: IsNull() }, relations: { user: true } });
  }

  findKey(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id });
  }

  findKeyByName(userId: string, name: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ userId, name, revokedAt: IsNull() });
  }

  insertKey(key: ApiKeyEntity): Promise<ApiKeyEntity> {
    return this.keys.save(key);
  }

  async revokeKey(id: string): Promise<void> {
    await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async touchKey(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }

  /**
   * Serialises the bootstrap across replicas starting together. `work` gets a repository bound to
   * the transaction: every query must go through it (the embedded PGlite serialises connections,
   * so a query on another connection would wait for this transaction forever).
   */
  async withBootstrapLock<T>(work: (repository: UsersRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(7766655001)');
      return work(new UsersRepository({ manager } as DataSource));
    });
  }
}
