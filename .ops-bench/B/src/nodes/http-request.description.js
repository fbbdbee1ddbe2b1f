import { oneOutput } from './node-executor.js';
export const HTTP_AUTH_TYPES = ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth'];
export const httpRequestDescription = {
    type: 'httpRequest',
    displayName: 'HTTP request',
    parameters: {
        type: 'object',
        properties: {
            method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] },
            url: { type: 'string', required: true },
            headers: { type: 'object', additional: { type: 'oneOf', options: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
            query: { type: 'object', additional: { type: 'oneOf', options: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
            body: { type: 'any' },
            bodyType: { type: 'string', enum: ['json', 'form', 'raw'] },
            authentication: { type: 'string', enum: ['none', ...HTTP_AUTH_TYPES] },
            timeoutMs: { type: 'number', integer: true, min: 1, max: 300_000 },
            responseFormat: { type: 'string', enum: ['auto', 'json', 'text'] },
            failOnHttpError: { type: 'boolean' },
            followRedirects: { type: 'boolean' },
            maxResponseBytes: { type: 'number', integer: true, min: 1, max: 100 * 1024 * 1024 },
        },
    },
    credentials: { types: HTTP_AUTH_TYPES, required: false },
    outputs: oneOutput,
    sideEffects: true,
    validate(node) {
        const auth = node.parameters.authentication;
        if (typeof auth === 'string' && auth !== 'none' && !node.credentials?.[auth]) {
            return [`parameter "authentication" is ${auth} but the node has no "${auth}" credential`];
        }
        return [];
    },
};
//# sourceMappingURL=http-request.description.js.map