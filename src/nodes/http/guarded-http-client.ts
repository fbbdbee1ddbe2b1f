import { Agent, request, type buildConnector } from 'undici';
import { readLimited } from './response-body.js';
import { guardedConnector, RefusedTargetError, type SsrfGuard } from './ssrf-guard.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin (the fetch standard drops these too). */
const ORIGIN_BOUND_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

export interface OutboundRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  followRedirects: boolean;
  /** Aborted by the engine (node timeout, cancel, shutdown). */
  signal: AbortSignal;
  /** Header names carrying a credential: dropped when a redirect leaves the origin. */
  credentialHeaders: readonly string[];
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Where the response came from, after redirects. */
  url: URL;
}

/** Where a request went, for messages: never the user info or the query, which may hold secrets. */
export const displayUrl = (url: URL): string => `${url.origin}${url.pathname}`;

/**
 * Outbound HTTP for the HTTP Request node: one keep-alive agent whose every connection passes the
 * SSRF guard, redirects followed here (not by an interceptor) so each hop is a new, checked request,
 * and an overall deadline on top of undici's idle timeouts.
 */
export class GuardedHttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly guard: SsrfGuard,
    baseConnector?: buildConnector.connector,
  ) {
    this.agent = new Agent({ connect: guardedConnector(guard, baseConnector) });
  }

  async send(outbound: OutboundRequest): Promise<OutboundResponse> {
    // The engine's signal and the deadline stop the request through one controller of our own, with
    // a timer and a listener released at the end: AbortSignal.timeout and AbortSignal.any cost a
    // signal each per call, and `any` keeps weak references for the collector to sweep.
    const controller = new AbortController();
    const deadline = { passed: false };
    const stop = () => controller.abort(outbound.signal.reason);
    if (outbound.signal.aborted) stop();
    else outbound.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => {
      deadline.passed = true;
      controller.abort(new Error(`HTTP request timed out after ${outbound.timeoutMs} ms`));
    }, outbound.timeoutMs).unref();
    try {
      return await this.follow(outbound, controller.signal, deadline);
    } finally {
      clearTimeout(timer);
      outbound.signal.removeEventListener('abort', stop);
    }
  }

  private async follow(outbound: OutboundRequest, signal: AbortSignal, deadline: { passed: boolean }): Promise<OutboundResponse> {
    let { url, method, body } = outbound;
    const headers = { ...outbound.headers };
    for (let redirects = 0; ; redirects++) {
      try {
        this.guard.checkScheme(url);
        const response = await request(url, {
          dispatcher: this.agent,
          method: method as 'GET',
          headers,
          body,
          signal,
          headersTimeout: outbound.timeoutMs,
          bodyTimeout: outbound.timeoutMs,
        });
        const location = response.headers.location;
        if (outbound.followRedirects && REDIRECT_STATUSES.has(response.statusCode) && typeof location === 'string') {
          await response.body.dump();
          if (redirects >= MAX_REDIRECTS) throw new Error(`Too many redirects (more than ${MAX_REDIRECTS})`);
          const next = parseLocation(location, url);
          next.username = '';
          next.password = '';
          if (next.origin !== url.origin) for (const name of [...ORIGIN_BOUND_HEADERS, ...outbound.credentialHeaders]) deleteHeader(headers, name);
          // As browsers do: 303 turns into GET, and so do 301/302 after a POST.
          if ((response.statusCode === 303 && method !== 'HEAD') || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
            for (const name of ['content-type', 'content-length']) deleteHeader(headers, name);
          }
          url = next;
          continue;
        }
        // A HEAD answer declares the length of a body it does not send: nothing to read or limit.
        const data = method === 'HEAD' ? (await response.body.dump(), Buffer.alloc(0)) : await readLimited(response.body, outbound.maxResponseBytes, response.headers['content-length']);
        return { status: response.statusCode, statusText: response.statusText ?? '', headers: response.headers as Record<string, string | string[]>, body: data, url };
      } catch (error) {
        throw describeFailure(error, { url, redirects, deadline, outbound });
      }
    }
  }

  /** Lets in-flight requests finish, then closes every kept-alive connection. */
  close(): Promise<void> {
    return this.agent.close();
  }
}

function parseLocation(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new Error('Redirect with an invalid Location header');
  }
}

function deleteHeader(headers: Record<string, string>, name: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
}

function describeFailure(error: unknown, at: { url: URL; redirects: number; deadline: { passed: boolean }; outbound: OutboundRequest }): Error {
  // The engine's own reason (node timeout, cancel, shutdown) explains the stop better than ours.
  if (at.outbound.signal.aborted) return at.outbound.signal.reason instanceof Error ? at.outbound.signal.reason : new Error('Aborted');
  const hop = at.redirects > 0 ? ` (at redirect ${at.redirects}, ${displayUrl(at.url)})` : '';
  if (at.deadline.passed) return new Error(`HTTP request timed out after ${at.outbound.timeoutMs} ms${hop}`);
  const message = error instanceof Error ? error.message : String(error);
  // A refused target stays a refusal (an input fault, never retried), wherever in the redirects it came.
  return error instanceof RefusedTargetError || (error as { code?: unknown } | null)?.code === 'ERR_SSRF_REFUSED' ? new RefusedTargetError(`${message}${hop}`) : new Error(`${message}${hop}`);
}
