import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../credentials/credentials.service.js';
import { NodeInputError } from '../nodes/node-executor.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';

/**
 * Gives a node the decrypted data of the credential it references, and nothing else. Decryption
 * happens here, inside the engine, only for the node that asks (docs/security.md). Ownership was checked
 * when the workflow was saved, and a credential in use cannot be deleted.
 */
@Injectable()
export class CredentialResolver {
  constructor(private readonly credentials: CredentialsService) {}

  async resolve(node: WorkflowNode, type: string): Promise<Record<string, string>> {
    const reference = node.credentials?.[type];
    if (!reference?.id) throw new NodeInputError(`Node "${node.name}" has no "${type}" credential`);
    const credential = await this.credentials.getCredentials(reference.id);
    if (credential.type !== type) throw new NodeInputError(`Credential ${reference.id} is of type "${credential.type}", not "${type}"`);
    return this.credentials.decrypt(credential) as Record<string, string>;
  }
}
