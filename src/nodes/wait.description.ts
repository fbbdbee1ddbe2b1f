import { oneOutput, type NodeTypeDescription } from './node-executor.js';

export const waitDescription: NodeTypeDescription = {
  type: 'wait',
  displayName: 'Wait',
  parameters: {
    type: 'object',
    properties: {
      mode: { type: 'string', enum: ['duration', 'resume'], required: true, description: 'duration: pause durationMs; resume: pause until POST /webhook/resume/:token ($execution.resumeUrl) or timeoutMs' },
      durationMs: { type: 'number', integer: true, min: 0, max: 30 * 24 * 3600 * 1000, description: 'Milliseconds to pause (required with mode duration)' },
      timeoutMs: { type: 'number', integer: true, min: 1, max: 30 * 24 * 3600 * 1000, description: 'With mode resume: continue with `{ timedOut: true }` after this many milliseconds; absent: wait for the resume call' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: true,
  docs: {
    summary: 'Pauses the execution (stored WAITING, holding no worker) for a duration, or until its resume URL is called.',
    output: 'the resume request `{ body, query }`, `{ timedOut: true }` after a resume timeout, or its input after a duration',
    example: { name: 'Wait for approval', parameters: { mode: 'resume', timeoutMs: 86_400_000 } },
  },
  validate(node) {
    const { mode, durationMs } = node.parameters;
    return mode === 'duration' && durationMs === undefined ? ['parameter "durationMs" is required when mode is duration'] : [];
  },
};
