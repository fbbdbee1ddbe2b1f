import { Injectable } from '@nestjs/common';
import { conflict, invalid, notFound } from '../common/app-error.js';
import { newId } from '../common/uuid.js';
import { CredentialCipher } from './credential-crypto.js';
import { CREDENTIAL_TYPES, credentialDataProblems, isCredentialType, type CredentialData, type CredentialType } from './credential-types.js';
import { CredentialEntity } from './credential.entity.js';
import { CredentialsRepository, type CredentialUsage } from './credentials.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Credentials: stored encrypted, returned as metadata only, decrypted solely for the engine.
 * `ownerScope` (see common/principal.ts) is the owner filter: undefined means any owner (admins,
 * and the engine acting for a workflow's owner passes that owner).
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly repository: CredentialsRepository,
    private readonly cipher: CredentialCipher,
  ) {}

  async create(ownerId: string, input: { name: string; type: CredentialType; data: Record<string, unknown> }): Promise<CredentialEntity> {
    const data = validData(input.type, input.data);
    const id = newId();
    return this.repository.insert(
      Object.assign(new CredentialEntity(), { id, ownerId, name: input.name, type: input.type, data: this.cipher.encrypt(id, data), fields: fieldsOf(input.type) }),
    );
  }

  list(ownerScope: string | undefined, query: { type?: string; limit: number; cursor?: string }): Promise<CredentialEntity[]> {
    return this.repository.list({ ownerId: ownerScope, ...query });
  }

  /** Another user's credential is "not found" for a member (docs/security.md). */
  async getCredentials(id: string, ownerScope?: string): Promise<CredentialEntity> {
    const credential = await this.repository.findById(id, ownerScope);
    if (!credential) throw notFound('Credential', id);
    return credential;
  }

  getCredentialsByType(type: string, ownerScope?: string): Promise<CredentialEntity[]> {
    return this.repository.findByType(type, ownerScope);
  }

  /** The plain secret. Throws CredentialDecryptionError (naming the id only) if it cannot be opened. */
  decrypt(credential: Pick<CredentialEntity, 'id' | 'data'>): CredentialData {
    return this.cipher.decrypt(credential.id, credential.data);
  }

  async update(id: string, ownerScope: string | undefined, input: { name?: string; data?: Record<string, unknown> }): Promise<CredentialEntity> {
    if (input.name === undefined && input.data === undefined) throw invalid('Nothing to update: send name and/or data');
    const credential = await this.getCredentials(id, ownerScope);
    if (input.name !== undefined) credential.name = input.name;
    if (input.data !== undefined) {
      if (!isCredentialType(credential.type)) throw invalid(`Credential ${id} has the retired type ${credential.type}; create a new credential instead`);
      credential.data = this.cipher.encrypt(id, validData(credential.type, input.data));
      credential.fields = fieldsOf(credential.type);
    }
    return this.repository.update(credential);
  }

  /** Refused (409) while a workflow node or a webhook references the credential. */
  async delete(id: string, ownerScope: string | undefined): Promise<void> {
    await this.getCredentials(id, ownerScope);
    const usage = await this.repository.findUsage(id);
    if (usage.workflows.length || usage.webhookIds.length) throw conflict(describeUsage(id, usage));
    await this.repository.delete(id);
  }

  /**
   * For reference checks (workflow and webhook validation): which of `ids` exist, their type and
   * owner. No decryption; ids that are not UUIDs cannot exist, so they are dropped before the query.
   */
  async findForValidation(ids: string[]): Promise<{ id: string; type: string; ownerId: string }[]> {
    const candidates = [...new Set(ids.filter((id) => typeof id === 'string' && UUID.test(id)))];
    if (!candidates.length) return [];
    const rows = await this.repository.findSummaries(candidates);
    return rows.map(({ id, type, ownerId }) => ({ id, type, ownerId }));
  }
}

function validData(type: CredentialType, data: Record<string, unknown>): CredentialData {
  const problems = credentialDataProblems(type, data);
  if (problems.length) throw invalid(problems);
  return Object.fromEntries(fieldsOf(type).map((field) => [field, data[field] as string]));
}

const fieldsOf = (type: CredentialType): string[] => [...CREDENTIAL_TYPES[type].fields];

function describeUsage(id: string, usage: CredentialUsage): string {
  const users = [
    ...usage.workflows.map((workflow) => `workflow "${workflow.name}" (${workflow.id})`),
    ...usage.webhookIds.map((webhookId) => `webhook ${webhookId}`),
  ];
  return `Credential ${id} is in use by ${users.join(', ')}; remove those references before deleting it`;
}
