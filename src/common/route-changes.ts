import { Injectable, Logger } from '@nestjs/common';
import { TypedBus } from './typed-bus.js';

interface RouteChangeEvents {
  workflowChanged: string;
  webhookChanged: string;
}

/**
 * Tells this process's webhook route cache that a workflow or webhook changed, the moment the
 * change is committed, without the admin modules depending on ingestion. Other replicas rely on
 * the cache's short lifetime instead. Not an execution event: configuration, on a bus of its own
 * (the same TypedBus as the execution lifecycle's).
 */
@Injectable()
export class RouteChanges {
  private readonly bus = new TypedBus<RouteChangeEvents>(new Logger('RouteChanges'));

  workflowChanged(workflowId: string): void {
    this.bus.emit('workflowChanged', workflowId);
  }

  webhookChanged(webhookId: string): void {
    this.bus.emit('webhookChanged', webhookId);
  }

  onWorkflowChanged(listener: (workflowId: string) => void): void {
    this.bus.on('workflowChanged', listener);
  }

  onWebhookChanged(listener: (webhookId: string) => void): void {
    this.bus.on('webhookChanged', listener);
  }
}
