import { oneOutput } from './node-executor.js';
const addresses = { type: 'oneOf', options: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 50 }] };
export const sendEmailDescription = {
    type: 'sendEmail',
    displayName: 'Send e-mail (Resend)',
    parameters: {
        type: 'object',
        properties: {
            fromEmail: { type: 'string', required: true },
            toEmail: { ...addresses, required: true },
            subject: { type: 'string', required: true },
            body: { type: 'string' },
            html: { type: 'string' },
            cc: addresses,
            bcc: addresses,
            replyTo: addresses,
        },
    },
    credentials: { types: ['resend'], required: true },
    outputs: oneOutput,
    sideEffects: true,
    validate(node) {
        const { body, html } = node.parameters;
        return body === undefined && html === undefined ? ['parameter "body" or "html" is required'] : [];
    },
};
//# sourceMappingURL=send-email.description.js.map