import { Injectable } from '@nestjs/common';
import { DataSource, In, LessThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { CredentialEntity } from './credential.entity.js';

export interface CredentialListFilter {
  ownerId?: string;
  type?: string;
  limit: number;
  cursor?: string;
}

/** Who still uses a credential; deleting it would break them. */
export interface CredentialUsage {
  workflows: { id: string; name: string }[];
  webhookIds: string[];
}

@Injectable()
export class CredentialsRepository {
  private readonly credentials: Repository<CredentialEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.credentials = dataSource.getRepository(CredentialEntity);
  }

  insert(credential: CredentialEntity): Promise<CredentialEntity> {
    return this.credentials.save(credential);
  }

  /** `ownerId` undefined: any owner (admins). */
  findById(id: string, ownerId?: string): Promise<CredentialEntity | null> {
    return this.credentials.findOneBy(ownerId === undefined ? { id } : { id, ownerId });
  }

  findByType(type: string, ownerId?: string): Promise<CredentialEntity[]> {
    return this.credentials.find({ where: ownerId === undefined ? { type } : { type, ownerId }, order: { id: 'DESC' } });
  }

  /** Newest first, `limit + 1` rows (see toPage). */
  list(filter: CredentialListFilter): Promise<CredentialEntity[]> {
    const where: FindOptionsWhere<CredentialEntity> = {};
    if (filter.ownerId !== undefined) where.ownerId = filter.ownerId;
    if (filter.type !== undefined) where.type = filter.type;
    if (filter.cursor !== undefined) where.id = LessThan(filter.cursor);
    return this.credentials.find({ where, order: { id: 'DESC' }, take: filter.limit + 1 });
  }

  /** Only what reference checks need: the secret column is not even read. */
  findSummaries(ids: string[]): Promise<Pick<CredentialEntity, 'id' | 'type' | 'ownerId'>[]> {
    return this.credentials.find({ select: { id: true, type: true, ownerId: true }, where: { id: In(ids) } });
  }

  /** Saves name/data changes; returns the row as stored (updatedAt bumped). */
  async update(credential: CredentialEntity): Promise<CredentialEntity> {
    await this.credentials.update({ id: credential.id }, { name: credential.name, data: credential.data, fields: credential.fields });
    return (await this.findById(credential.id))!;
  }

  async delete(id: string): Promise<void> {
    await this.credentials.delete({ id });
  }

  /**
   * Workflows whose nodes reference the credential (`credentials: { <type>: { id } }`, docs/workflows.md) and
   * webhooks that authenticate with it.
   */
  async findUsage(id: string): Promise<CredentialUsage> {
    const [workflows, webhooks] = await Promise.all([
      this.dataSource.query<{ id: string; name: string }[]>(
        `SELECT "id", "name" FROM "workflows"
          WHERE jsonb_path_exists("nodes", '$[*].credentials.*.id ? (@ == $id)', jsonb_build_object('id', $1::text))
          ORDER BY "id" LIMIT 20`,
        [id],
      ),
      this.dataSource.query<{ id: string }[]>(`SELECT "id" FROM "webhooks" WHERE "authentication"->>'credentialId' = $1 ORDER BY "id" LIMIT 20`, [id]),
    ]);
    return { workflows, webhookIds: webhooks.map((row) => row.id) };
  }
}
