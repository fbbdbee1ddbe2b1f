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
      method: { type: 'string', enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], default: 'GET', description: 'HTTP method' },
      url: { type: 'string', required: true, description: 'Absolute http(s) URL. Private, loopback and link-local addresses are refused unless HTTP_ALLOW_PRIVATE_NETWORKS or HTTP_ALLOWED_HOSTS allow them' },
      headers: { type: 'object', additional: { type: 'oneOf', options: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, description: 'Request headers by name' },
      query: { type: 'object', additional: { type: 'oneOf', options: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] }, description: 'Query-string parameters, appended to those of the URL' },
      body: { type: 'any', description: 'Request body; not allowed with GET or HEAD' },
      bodyType: { type: 'string', enum: ['json', 'form', 'raw'], description: 'How the body is encoded; absent: json for objects and arrays, raw for strings' },
      authentication: { type: 'string', enum: ['none', ...HTTP_AUTH_TYPES], default: 'none', description: 'Which of the node\'s credentials signs the request' },
      timeoutMs: { type: 'number', integer: true, min: 1, max: 300_000, default: 30_000, description: 'Milliseconds for the whole request' },
      responseFormat: { type: 'string', enum: ['auto', 'json', 'text'], default: 'auto', description: 'How the response body is read; auto: JSON when the content type says so' },
      failOnHttpError: { type: 'boolean', default: true, description: 'Fail the node on a 4xx or 5xx answer' },
      followRedirects: { type: 'boolean', default: true, description: 'Follow at most 5 redirects, each checked like the URL' },
      maxResponseBytes: { type: 'number', integer: true, min: 1, max: 100 * 1024 * 1024, default: 10 * 1024 * 1024, description: 'A larger response body fails the node' },
    },
  },
  credentials: { types: HTTP_AUTH_TYPES, required: false },
  outputs: oneOutput,
  sideEffects: true,
  docs: {
    summary: 'Calls any HTTP(S) API, optionally signed with an httpHeaderAuth, httpBasicAuth or httpBearerAuth credential.',
    output: '`{ status, headers, data }`: data is parsed JSON or text, per responseFormat; credential values are scrubbed from it',
    example: {
      name: 'Create ticket',
      parameters: { method: 'POST', url: 'https://api.example.com/tickets', body: { title: '{{ $trigger.body.subject }}' }, authentication: 'httpBearerAuth' },
      credentials: { httpBearerAuth: { id: '<credential id>' } },
    },
  },
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
