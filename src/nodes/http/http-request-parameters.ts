import { connectionHeaderErrors, HTTP_AUTH_TYPES } from '../http-request.description.js';
import { NodeInputError, type NodeRunContext } from '../node-executor.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** A parameter whose resolved value (after expressions) is unusable; the message names it. */
export class ParameterError extends NodeInputError {}

export interface HttpRequestPlan {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  responseFormat: 'auto' | 'json' | 'text';
  failOnHttpError: boolean;
  followRedirects: boolean;
  /** Header names set from the credential. */
  credentialHeaders: string[];
  /** Credential values (and derived forms) to scrub from output and errors. */
  secrets: string[];
}

type AuthType = (typeof HTTP_AUTH_TYPES)[number];

const scalar = (value: unknown): value is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof value);

function positiveInteger(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ParameterError(`parameter "${name}" must be an integer between 1 and ${max}`);
  }
  return value;
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new ParameterError(`parameter "${name}" must be a boolean`);
  return value;
}

function parseUrl(value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') throw new ParameterError('parameter "url" must be a non-empty string');
  try {
    return new URL(value.trim());
  } catch {
    throw new ParameterError('parameter "url" is not a valid absolute URL');
  }
}

function stringHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ParameterError('parameter "headers" must be an object');
  const refused = connectionHeaderErrors(Object.keys(value));
  if (refused.length) throw new ParameterError(refused.join('; '));
  const headers: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    if (!scalar(item)) throw new ParameterError(`parameter "headers.${name}" must be a string, number or boolean`);
    headers[name] = String(item);
  }
  return headers;
}

function appendQuery(url: URL, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ParameterError('parameter "query" must be an object');
  for (const [name, item] of Object.entries(value)) {
    for (const one of Array.isArray(item) ? item : [item]) {
      if (one === undefined || one === null) continue;
      url.searchParams.append(name, scalar(one) ? String(one) : JSON.stringify(one));
    }
  }
}

const hasHeader = (headers: Record<string, string>, name: string): boolean => Object.keys(headers).some((key) => key.toLowerCase() === name);

/** Encodes the body by `bodyType`, defaulting to JSON for objects and raw for strings. */
function encodeBody(body: unknown, bodyType: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null) return undefined;
  const type = bodyType ?? (typeof body === 'string' ? 'raw' : 'json');
  const setType = (contentType: string) => {
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = contentType;
  };
  switch (type) {
    case 'json':
      setType('application/json');
      // A string is taken to be JSON text already, not a value to quote.
      return typeof body === 'string' ? body : JSON.stringify(body);
    case 'form': {
      setType('application/x-www-form-urlencoded');
      if (typeof body === 'string') return body;
      if (typeof body !== 'object' || Array.isArray(body)) throw new ParameterError('parameter "body" must be an object when bodyType is form');
      const form = new URLSearchParams();
      for (const [name, item] of Object.entries(body)) {
        for (const one of Array.isArray(item) ? item : [item]) {
          if (one === undefined || one === null) continue;
          form.append(name, scalar(one) ? String(one) : JSON.stringify(one));
        }
      }
      return form.toString();
    }
    case 'raw':
      setType('text/plain; charset=utf-8');
      return typeof body === 'string' ? body : JSON.stringify(body);
    default:
      throw new ParameterError('parameter "bodyType" must be one of json, form, raw');
  }
}

/** `authentication` as given, or inferred from the one HTTP auth credential the node references. */
function authType(context: NodeRunContext): AuthType | null {
  const given = context.parameters.authentication;
  if (given === 'none') return null;
  if (typeof given === 'string') {
    if (!(HTTP_AUTH_TYPES as readonly string[]).includes(given)) throw new ParameterError(`parameter "authentication" must be one of none, ${HTTP_AUTH_TYPES.join(', ')}`);
    return given as AuthType;
  }
  const referenced = HTTP_AUTH_TYPES.filter((type) => context.node.credentials?.[type]);
  return referenced.length === 1 ? referenced[0] : null;
}

async function applyAuth(context: NodeRunContext, headers: Record<string, string>): Promise<{ names: string[]; secrets: string[] }> {
  const type = authType(context);
  if (!type) return { names: [], secrets: [] };
  const data = await context.credential(type);
  switch (type) {
    case 'httpHeaderAuth': {
      if (connectionHeaderErrors([data.name]).length) throw new ParameterError(`the httpHeaderAuth credential names header "${data.name}", which the client sets itself`);
      for (const key of Object.keys(headers)) if (key.toLowerCase() === data.name.toLowerCase()) delete headers[key];
      headers[data.name] = data.value;
      return { names: [data.name], secrets: [data.value] };
    }
    case 'httpBasicAuth': {
      const encoded = Buffer.from(`${data.username}:${data.password}`).toString('base64');
      headers.authorization = `Basic ${encoded}`;
      return { names: ['authorization'], secrets: [data.password, encoded] };
    }
    case 'httpBearerAuth':
      headers.authorization = `Bearer ${data.token}`;
      return { names: ['authorization'], secrets: [data.token] };
  }
}

/** `http://user:pass@host` becomes Basic auth, as curl does; the URL itself keeps no secret. */
function takeUserInfo(url: URL, headers: Record<string, string>): { names: string[]; secrets: string[] } {
  if (!url.username && !url.password) return { names: [], secrets: [] };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const encoded = Buffer.from(`${user}:${password}`).toString('base64');
  headers.authorization = `Basic ${encoded}`;
  return { names: ['authorization'], secrets: [password, encoded] };
}

/** Turns resolved parameters and the credential into one request; throws ParameterError on bad values. */
export async function planHttpRequest(context: NodeRunContext): Promise<HttpRequestPlan> {
  const p = context.parameters;
  const method = typeof p.method === 'string' ? p.method.toUpperCase() : p.method === undefined ? 'GET' : '';
  if (!METHODS.has(method)) throw new ParameterError(`parameter "method" must be one of ${[...METHODS].join(', ')}`);
  const url = parseUrl(p.url);
  appendQuery(url, p.query);
  const headers = stringHeaders(p.headers);
  const userInfo = takeUserInfo(url, headers);
  const body = encodeBody(p.body, p.bodyType, headers);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw new ParameterError(`parameter "body" is not allowed with method ${method}`);
  const format = p.responseFormat ?? 'auto';
  if (format !== 'auto' && format !== 'json' && format !== 'text') throw new ParameterError('parameter "responseFormat" must be one of auto, json, text');
  // Credentials last, so a header parameter cannot override (or be mistaken for) the credential's.
  const auth = await applyAuth(context, headers);
  return {
    method,
    url,
    headers,
    body,
    timeoutMs: positiveInteger(p.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 300_000),
    maxResponseBytes: positiveInteger(p.maxResponseBytes, 'maxResponseBytes', DEFAULT_MAX_RESPONSE_BYTES, 100 * 1024 * 1024),
    responseFormat: format,
    failOnHttpError: flag(p.failOnHttpError, 'failOnHttpError', true),
    followRedirects: flag(p.followRedirects, 'followRedirects', true),
    credentialHeaders: [...userInfo.names, ...auth.names],
    secrets: [...userInfo.secrets, ...auth.secrets],
  };
}
