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

/** A credential's id and its encrypted data, as key rotation reads it. */
export interface SealedCredential {
  id: string;
  data: string;
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

  /** Key rotation (credential-reencryption.ts): a page of sealed secrets in id order, after `after`. */
  findSealedPage(after: string | null, limit: number): Promise<SealedCredential[]> {
    return this.dataSource.query(`SELECT "id", "data" FROM "credentials" WHERE $1::uuid IS NULL OR "id" > $1::uuid ORDER BY "id" LIMIT $2`, [after, limit]);
  }

  async findSealed(id: string): Promise<SealedCredential | undefined> {
    const rows: SealedCredential[] = await this.dataSource.query(`SELECT "id", "data" FROM "credentials" WHERE "id" = $1`, [id]);
    return rows[0];
  }

  /** Replaces the sealed secret only if it is still `expected`: false when it changed (or went) meanwhile. */
  async replaceSealed(id: string, expected: string, replacement: string): Promise<boolean> {
    const [, updated] = (await this.dataSource.query(`UPDATE "credentials" SET "data" = $1 WHERE "id" = $2 AND "data" = $3`, [replacement, id, expected])) as [unknown, number];
    return updated === 1;
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
