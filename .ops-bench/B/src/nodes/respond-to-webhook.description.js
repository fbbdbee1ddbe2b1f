import { oneOutput } from './node-executor.js';
export const respondToWebhookDescription = {
    type: 'respondToWebhook',
    displayName: 'Respond to webhook',
    parameters: {
        type: 'object',
        properties: {
            statusCode: { type: 'number', integer: true, min: 100, max: 599 },
            headers: { type: 'object', additional: { type: 'string' } },
            body: { type: 'any' },
        },
    },
    credentials: { types: [], required: false },
    outputs: oneOutput,
    sideEffects: true,
};
//# sourceMappingURL=respond-to-webhook.description.js.map