import { Injectable, Logger } from '@nestjs/common';
import type { ScheduleTriggerData, TriggerData } from '../../executions/execution.types.js';
import type { WorkflowSettings } from '../../workflows/workflow.types.js';
import { ExpressionEvaluator } from '../../expressions/expression-evaluator.js';

/** Longer key values are cut to this many characters before they are stored. */
export const MAX_CONCURRENCY_KEY_LENGTH = 512;

/** What a key expression may read about the execution being created. */
export interface NewLimitedExecution {
  id: string;
  workflowId: string;
  workflowName?: string;
  mode: string;
  triggerData: TriggerData | ScheduleTriggerData | null;
}

/**
 * The `concurrencyKey` an execution is created with (docs/concurrency.md): null without a limit (the
 * execution takes the usual path), '' for a number limit (one count for the whole workflow), and for
 * `{ limit, key }` the key template evaluated over the trigger. A key that fails to evaluate, or
 * evaluates to nothing, counts under '' so that the execution still runs, under the limit.
 */
@Injectable()
export class ConcurrencyKeys {
  private readonly logger = new Logger('Concurrency');

  constructor(private readonly evaluator: ExpressionEvaluator) {}

  /** Synchronous (no await) for workflows without a limit and for number limits. */
  keyFor(settings: WorkflowSettings | undefined, execution: NewLimitedExecution): string | null | Promise<string> {
    const concurrency = settings?.concurrency;
    if (concurrency === undefined || concurrency === null) return null;
    if (typeof concurrency === 'number') return '';
    return this.evaluate(concurrency.key, execution);
  }

  private async evaluate(source: string, execution: NewLimitedExecution): Promise<string> {
    const trigger = execution.triggerData ?? {};
    try {
      const value = await this.evaluator.evaluate(
        source,
        {
          trigger,
          context: (trigger as { body?: unknown }).body,
          json: trigger,
          node: {},
          execution: { id: execution.id, workflowId: execution.workflowId, mode: execution.mode, resumeUrl: null },
          workflow: { id: execution.workflowId, name: execution.workflowName ?? '' },
        },
        'settings.concurrency.key',
      );
      const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
      // A text column refuses NUL; the cut may split a surrogate pair, which Postgres refuses too.
      return text.slice(0, MAX_CONCURRENCY_KEY_LENGTH).replace(/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
    } catch (error) {
      this.logger.warn({ msg: `Execution ${execution.id}: the concurrency key did not evaluate, it counts under the empty key: ${(error as Error).message}`, executionId: execution.id, workflowId: execution.workflowId });
      return '';
    }
  }
}
