import { oneOutput, type NodeTypeDescription } from './node-executor.js';

export const respondToWebhookDescription: NodeTypeDescription = {
  type: 'respondToWebhook',
  displayName: 'Respond to webhook',
  parameters: {
    type: 'object',
    properties: {
      statusCode: { type: 'number', integer: true, min: 100, max: 599, default: 200, description: 'HTTP status of the answer' },
      headers: { type: 'object', additional: { type: 'string' }, description: 'Response headers by name' },
      body: { type: 'any', description: 'The answer; absent: the node input' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: true,
  docs: {
    summary: 'For webhooks with responseMode responseNode: answers the waiting caller right away, and the execution goes on.',
    output: 'its input, unchanged',
    example: { name: 'Reply', parameters: { statusCode: 200, body: { received: true, id: '{{ $execution.id }}' } } },
  },
};
