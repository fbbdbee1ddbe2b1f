import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CredentialCipher } from '../credentials/credential-crypto.js';
import type { WorkflowGraph } from './workflow-graph.js';

const MAC_BYTES = 16;

/**
 * Resume URLs of wait nodes (docs/nodes.md): `<execution id>.<node name>.<mac>`, signed with a key derived
 * from the encryption key. Nothing is stored: a token is fixed when the execution starts, and it
 * only works while the execution waits at that node (single use by construction).
 */
@Injectable()
export class ResumeTokens {
  private readonly key: Buffer;

  constructor(
    cipher: CredentialCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.key = cipher.deriveKey('resume-tokens');
  }

  token(executionId: string, nodeName: string): string {
    const node = Buffer.from(nodeName, 'utf8').toString('base64url');
    return `${executionId}.${node}.${this.mac(executionId, nodeName).toString('base64url')}`;
  }

  url(executionId: string, nodeName: string): string {
    return `${this.config.publicUrl}/webhook/resume/${this.token(executionId, nodeName)}`;
  }

  /** `$execution.resumeUrl`: the URL of the workflow's first resume-mode wait node, if any. */
  resumeUrlFor(executionId: string, graph: WorkflowGraph): string | null {
    return graph.resumeNode ? this.url(executionId, graph.resumeNode.name) : null;
  }

  /** The execution and node a token names, or undefined when it is malformed or forged. */
  verify(token: string): { executionId: string; nodeName: string } | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || token.length > 2048) return undefined;
    const [executionId, encodedNode, mac] = parts;
    if (!/^[0-9a-f-]{36}$/i.test(executionId)) return undefined;
    const nodeName = Buffer.from(encodedNode, 'base64url').toString('utf8');
    const presented = Buffer.from(mac, 'base64url');
    const expected = this.mac(executionId, nodeName);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
    return { executionId, nodeName };
  }

  private mac(executionId: string, nodeName: string): Buffer {
    return createHmac('sha256', this.key).update(`${executionId}\0${nodeName}`).digest().subarray(0, MAC_BYTES);
  }
}
