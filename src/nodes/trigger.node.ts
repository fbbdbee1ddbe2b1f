import { Injectable } from '@nestjs/common';
import type { NodeExecutor, NodeOutcome, NodeRunContext } from './node-executor.js';
import { triggerDescription } from './trigger.description.js';

/**
 * The request was validated against `requiredFields`/`schema` at ingestion (a failing request gets
 * 400 and no execution), so at run time the trigger only hands the redacted request on.
 */
@Injectable()
export class TriggerNode implements NodeExecutor {
  readonly description = triggerDescription;

  async execute({ input }: NodeRunContext): Promise<NodeOutcome> {
    return { kind: 'success', output: input };
  }
}
