import { Injectable } from '@nestjs/common';
import type { NodeExecutor, NodeOutcome, NodeRunContext } from './node-executor.js';
import { scheduleDescription } from './schedule.description.js';

/**
 * The firing (src/schedules/schedule-firer.ts) or the manual run already wrote
 * `{ scheduledFor, firedAt, timezone }` as the execution's trigger data: the node hands it on.
 */
@Injectable()
export class ScheduleNode implements NodeExecutor {
  readonly description = scheduleDescription;

  async execute({ input }: NodeRunContext): Promise<NodeOutcome> {
    return { kind: 'success', output: input };
  }
}
