import { oneOutput, type NodeTypeDescription } from './node-executor.js';

export const HTTP_AUTH_TYPES = ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth'] as const;

/**
 * Headers about the connection, not the request, which the client sets itself. `Host` above all:
 * sent to an allowed address with another Host, a request reaches a virtual host the SSRF guard
 * never saw (docs/security.md).
 */
const CONNECTION_HEADERS = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length', 'expect', 'http2-settings']);

/** One message per header the node may not set, naming the parameter; checked on save and at run time. */
export function connectionHeaderErrors(names: string[]): string[] {
  return names.filter((name) => CONNECTION_HEADERS.has(name.toLowerCase())).map((name) => `parameter "headers.${name}" is not allowed: the client sets connection headers itself`);
}

export const httpRequestDescription: NodeTypeDescription = {
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
    const errors: string[] = [];
    const auth = node.parameters.authentication;
    if (typeof auth === 'string' && auth !== 'none' && !node.credentials?.[auth]) {
      errors.push(`parameter "authentication" is ${auth} but the node has no "${auth}" credential`);
    }
    const headers = node.parameters.headers;
    if (headers && typeof headers === 'object' && !Array.isArray(headers)) errors.push(...connectionHeaderErrors(Object.keys(headers)));
    return errors;
  },
};
