import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ExecutionPartitionsRepository } from './execution-partitions.repository.js';

/** Today and this many days after it have their partition at all times. */
export const PARTITION_DAYS_AHEAD = 3;
/** How often each replica makes sure of that: a catalog query when nothing is missing. */
const CHECK_INTERVAL_MS = 3_600_000;

/**
 * Creates workflow_executions' daily partitions ahead (docs/retention-and-sizing.md), at start and
 * every hour, in every role (the API ingests too). Replicas take turns through an advisory lock; an
 * id no partition covers yet (a clock far ahead) lands in the default partition, so an insert never fails.
 */
@Injectable()
export class ExecutionPartitionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ExecutionPartitions');
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly repository: ExecutionPartitionsRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAhead();
    this.timer = setInterval(() => void this.ensureAhead().catch((error: Error) => this.logger.warn(`Creating partitions failed (retried within the hour): ${error.message}`)), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Creates the missing partitions of today and the next PARTITION_DAYS_AHEAD days. */
  async ensureAhead(now = Date.now()): Promise<string[]> {
    const created = (await this.repository.ensureDays(now, PARTITION_DAYS_AHEAD + 1)) ?? [];
    if (created.length) this.logger.log({ msg: `Created execution partitions ${created.join(', ')}`, created });
    return created;
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
