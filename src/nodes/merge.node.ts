import { Injectable } from '@nestjs/common';
import { oneOutput, type NodeExecutor, type NodeOutcome, type NodeRunContext, type NodeTypeDescription } from './node-executor.js';

export const mergeDescription: NodeTypeDescription = {
  type: 'merge',
  displayName: 'Merge',
  parameters: {
    type: 'object',
    properties: {
      mode: {
        type: 'string',
        enum: ['append', 'mergeObjects', 'passThrough'],
        default: 'append',
        description: "append: an array of the inputs' outputs by input index; mergeObjects: a shallow merge, later inputs win; passThrough: input 0",
      },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
  docs: {
    summary: 'Waits for all its live inputs (inputs whose branch was not taken are left out), then combines their outputs.',
    output: 'as the mode says',
    example: { name: 'Join', parameters: { mode: 'mergeObjects' } },
  },
};

/**
 * Runs once all its live inputs finished (the engine waits, docs/workflows.md). `inputs` holds each input's
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
