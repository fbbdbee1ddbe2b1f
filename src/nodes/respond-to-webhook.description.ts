import { reservedAnswerHeader } from '../common/security-headers.js';
import { oneOutput, type NodeTypeDescription } from './node-executor.js';

export const RESPONSE_FORMATS = ['auto', 'json', 'text'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

/** docs/security.md: informational (1xx) answers would hang clients or open a tunnel behind a proxy (101). */
export const MIN_ANSWER_STATUS = 200;
export const MAX_ANSWER_STATUS = 599;

export const respondToWebhookDescription: NodeTypeDescription = {
  type: 'respondToWebhook',
  displayName: 'Respond to webhook',
  parameters: {
    type: 'object',
    properties: {
      statusCode: { type: 'number', integer: true, min: MIN_ANSWER_STATUS, max: MAX_ANSWER_STATUS, default: 200, description: 'HTTP status of the answer (200–599)' },
      headers: { type: 'object', additional: { type: 'string' }, description: 'Response headers by name; security headers and Set-Cookie are refused (docs/security.md)' },
      body: { type: 'any', description: 'The answer; absent: the node input. A string is sent as it is, objects and arrays as JSON' },
      responseFormat: { type: 'string', enum: [...RESPONSE_FORMATS], default: 'auto', description: 'auto: a string as text, anything else as JSON; json: always JSON; text: always text' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: true,
  validate(node) {
    const headers = node.parameters.headers;
    if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return [];
    return reservedHeaderErrors(Object.keys(headers));
  },
  docs: {
    summary: 'For webhooks with responseMode responseNode: answers the waiting caller right away, and the execution goes on.',
    output: 'its input, unchanged',
    example: { name: 'Reply', parameters: { statusCode: 200, body: { received: true, id: '{{ $execution.id }}' } } },
  },
};

/** One message per header a workflow may not set on its answer (docs/security.md). */
export function reservedHeaderErrors(names: string[]): string[] {
  const errors: string[] = [];
  for (const name of names) {
    const reason = reservedAnswerHeader(name);
    if (reason) errors.push(`parameter "headers.${name}" is not allowed: ${reason}`);
  }
  return errors;
}
