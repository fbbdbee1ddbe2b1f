import { Injectable } from '@nestjs/common';
import type { NodeExecutor, NodeOutcome, NodeRunContext } from './node-executor.js';
import { waitDescription } from './wait.description.js';

/**
 * Pauses the execution, which is stored WAITING and holds no worker (docs/nodes.md). What the node
 * outputs is decided when the execution continues: the resume request `{ body, query }`,
 * `{ timedOut: true }` after a resume timeout, or its input after a duration.
 */
@Injectable()
export class WaitNode implements NodeExecutor {
  readonly description = waitDescription;

  async execute({ parameters }: NodeRunContext): Promise<NodeOutcome> {
    if (parameters.mode === 'duration') {
      const durationMs = Number(parameters.durationMs);
      if (!Number.isFinite(durationMs) || durationMs < 0) return { kind: 'failed', error: 'parameter "durationMs" must be a non-negative number', errorKind: 'input' };
      return { kind: 'waiting', until: new Date(Date.now() + durationMs) };
    }
    if (parameters.mode === 'resume') {
      const timeoutMs = parameters.timeoutMs === undefined ? undefined : Number(parameters.timeoutMs);
      if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) return { kind: 'failed', error: 'parameter "timeoutMs" must be a positive number', errorKind: 'input' };
      return { kind: 'waiting', until: timeoutMs === undefined ? null : new Date(Date.now() + timeoutMs) };
    }
    return { kind: 'failed', error: `parameter "mode" must be duration or resume, got ${JSON.stringify(parameters.mode)}`, errorKind: 'input' };
  }
}

/** The output a wait node gets when its execution continues. */
export function waitOutput(mode: unknown, resumeData: unknown, input: unknown): unknown {
  if (resumeData !== null && resumeData !== undefined) return resumeData;
  return mode === 'resume' ? { timedOut: true } : input;
}
