import { oneOutput, type NodeTypeDescription } from './node-executor.js';
import type { ParamSchema } from './parameter-schema.js';

const addresses: ParamSchema = { type: 'oneOf', options: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 50 }] };

export const sendEmailDescription: NodeTypeDescription = {
  type: 'sendEmail',
  displayName: 'Send e-mail (Resend)',
  parameters: {
    type: 'object',
    properties: {
      fromEmail: { type: 'string', required: true, description: 'Sender, on a domain verified with Resend' },
      toEmail: { ...addresses, required: true, description: 'One address, a comma-separated list or an array' },
      subject: { type: 'string', required: true, description: 'Subject line' },
      body: { type: 'string', description: 'Plain-text body (body or html is required)' },
      html: { type: 'string', description: 'HTML body (body or html is required)' },
      cc: { ...addresses, description: 'Carbon copy: one address, a comma-separated list or an array' },
      bcc: { ...addresses, description: 'Blind carbon copy: one address, a comma-separated list or an array' },
      replyTo: { ...addresses, description: 'Reply-To address(es)' },
    },
  },
  credentials: { types: ['resend'], required: true },
  outputs: oneOutput,
  sideEffects: true,
  docs: {
    summary: 'Sends an e-mail through Resend with a `resend` credential; a retried node never mails twice (Idempotency-Key of execution and node).',
    output: "`{ id }`: Resend's id of the e-mail",
    example: {
      name: 'Email',
      parameters: { fromEmail: 'noreply@example.com', toEmail: '{{ $trigger.body.email }}', subject: 'Your score', body: 'Hello {{ $trigger.body.name }}, your score is {{ $trigger.body.score }}' },
      credentials: { resend: { id: '<credential id>' } },
    },
  },
  validate(node) {
    const { body, html } = node.parameters;
    return body === undefined && html === undefined ? ['parameter "body" or "html" is required'] : [];
  },
};
