import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Tells this process's webhook route cache that a workflow or webhook changed, the moment the
 * change is committed, without the admin modules depending on ingestion. Other replicas rely on
 * the cache's short lifetime instead.
 */
@Injectable()
export class RouteChanges {
  private readonly emitter = new EventEmitter();

  workflowChanged(workflowId: string): void {
    this.emitter.emit('workflow', workflowId);
  }

  webhookChanged(webhookId: string): void {
    this.emitter.emit('webhook', webhookId);
  }

  onWorkflowChanged(listener: (workflowId: string) => void): void {
    this.emitter.on('workflow', listener);
  }

  onWebhookChanged(listener: (webhookId: string) => void): void {
    this.emitter.on('webhook', listener);
  }
}
