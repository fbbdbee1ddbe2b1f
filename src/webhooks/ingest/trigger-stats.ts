import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { WorkflowsRepository } from '../../workflows/workflows.repository.js';
import { WebhooksRepository } from '../webhooks.repository.js';

const FLUSH_INTERVAL_MS = 2000;

/**
 * `triggerCount` and `lastTriggeredAt` (docs/webhooks.md) are counted in memory and flushed every two
 * seconds in two statements, so a busy webhook never makes its workflow row a hot spot. They lag by
 * at most the interval; a crash loses at most that much counting, never an execution.
 */
@Injectable()
export class TriggerStats implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('TriggerStats');
  private counts = new Map<string, number>();
  private lastSeen = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly workflows: WorkflowsRepository,
    private readonly webhooks: WebhooksRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(workflowId: string, webhookId: string, at: Date): void {
    this.counts.set(workflowId, (this.counts.get(workflowId) ?? 0) + 1);
    this.lastSeen.set(webhookId, at);
  }

  async flush(): Promise<void> {
    if (!this.counts.size && !this.lastSeen.size) return;
    const counts = this.counts;
    const lastSeen = this.lastSeen;
    this.counts = new Map();
    this.lastSeen = new Map();
    try {
      if (counts.size) await this.workflows.addTriggerCounts(counts);
      if (lastSeen.size) await this.webhooks.recordLastTriggered(lastSeen);
    } catch (error) {
      // Put the counts back for the next flush: the database may be restarting.
      for (const [id, n] of counts) this.counts.set(id, (this.counts.get(id) ?? 0) + n);
      for (const [id, at] of lastSeen) if (!this.lastSeen.has(id)) this.lastSeen.set(id, at);
      this.logger.warn(`Could not flush trigger statistics: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
