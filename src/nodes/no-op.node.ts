import { Injectable } from '@nestjs/common';
import { oneOutput, type NodeExecutor, type NodeOutcome, type NodeRunContext, type NodeTypeDescription } from './node-executor.js';

export const noOpDescription: NodeTypeDescription = {
  type: 'noOp',
  displayName: 'No operation',
  parameters: { type: 'object', properties: {} },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
  docs: {
    summary: 'Does nothing: a junction or placeholder.',
    output: 'its input, unchanged',
    example: { name: 'Done', parameters: {} },
  },
};

@Injectable()
export class NoOpNode implements NodeExecutor {
  readonly description = noOpDescription;

  async execute({ input }: NodeRunContext): Promise<NodeOutcome> {
    return { kind: 'success', output: input };
  }
}
