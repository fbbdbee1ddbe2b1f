import { Injectable } from '@nestjs/common';
import { oneOutput, type NodeExecutor, type NodeOutcome, type NodeRunContext, type NodeTypeDescription } from './node-executor.js';

export const mergeDescription: NodeTypeDescription = {
  type: 'merge',
  displayName: 'Merge',
  parameters: {
    type: 'object',
    properties: { mode: { type: 'string', enum: ['append', 'mergeObjects', 'passThrough'] } },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
};

/**
 * Runs once all its live inputs finished (the engine waits, SPEC §7.3). `inputs` holds each input's
 * output by input index; inputs whose branch was skipped are absent (undefined).
 */
@Injectable()
export class MergeNode implements NodeExecutor {
  readonly description = mergeDescription;

  async execute({ parameters, inputs, input }: NodeRunContext): Promise<NodeOutcome> {
    const live = inputs.filter((value) => value !== undefined);
    switch (parameters.mode ?? 'append') {
      case 'mergeObjects':
        return {
          kind: 'success',
          output: Object.assign({}, ...live.filter((value) => typeof value === 'object' && value !== null && !Array.isArray(value))),
        };
      case 'passThrough':
        return { kind: 'success', output: inputs[0] ?? input };
      default:
        return { kind: 'success', output: live };
    }
  }
}
