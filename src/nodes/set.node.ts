import { Injectable } from '@nestjs/common';
import { oneOutput, type NodeExecutor, type NodeOutcome, type NodeRunContext, type NodeTypeDescription } from './node-executor.js';

export const setDescription: NodeTypeDescription = {
  type: 'set',
  displayName: 'Set',
  parameters: {
    type: 'object',
    properties: {
      values: { type: 'object', required: true, additional: 'any', description: 'The object to build; values may be expressions' },
      includeInput: { type: 'boolean', default: false, description: 'Merge the values over the input object' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
  docs: {
    summary: 'Builds an object whose values may be expressions, optionally merged over its input.',
    output: 'the built object',
    example: { name: 'Shape lead', parameters: { values: { email: '{{ $trigger.body.email }}', vip: '{{ $trigger.body.score > 90 }}' } } },
  },
};

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

@Injectable()
export class SetNode implements NodeExecutor {
  readonly description = setDescription;

  async execute({ parameters, input }: NodeRunContext): Promise<NodeOutcome> {
    const values = isPlainObject(parameters.values) ? parameters.values : {};
    const output = parameters.includeInput === true && isPlainObject(input) ? { ...input, ...values } : { ...values };
    return { kind: 'success', output };
  }
}
