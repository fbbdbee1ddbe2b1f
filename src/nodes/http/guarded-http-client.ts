import { Agent, util, type buildConnector, type Dispatcher } from 'undici';
import { declaresMoreThan, ResponseTooLargeError } from './response-body.js';
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
 * and an overall deadline on top of undici's idle timeouts. Each hop goes to the agent's `dispatch`
 * with a handler of ours (Hop) that collects the body as it arrives: `request` would build a
 * Readable body, an async resource and an abort listener per call, and reading the body through an
 * async iterator cost promises per chunk.
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
    // The engine's signal and the deadline stop the hop in flight through its abort callback: one
    // listener and one timer per call, released at the end, and no controller or signal of our own.
    const call: Call = { hop: null, stopped: null, deadlinePassed: false };
    const stopWith = (reason: Error) => {
      call.stopped = reason;
      call.hop?.stop(reason);
    };
    const stop = () => stopWith(outbound.signal.reason instanceof Error ? outbound.signal.reason : new Error('Aborted'));
    if (outbound.signal.aborted) throw describeFailure(outbound.signal.reason, { url: outbound.url, redirects: 0, call, outbound });
    outbound.signal.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(() => {
      call.deadlinePassed = true;
      stopWith(new Error(`HTTP request timed out after ${outbound.timeoutMs} ms`));
    }, outbound.timeoutMs).unref();
    try {
      return await this.follow(outbound, call);
    } finally {
      clearTimeout(timer);
      outbound.signal.removeEventListener('abort', stop);
    }
  }

  private async follow(outbound: OutboundRequest, call: Call): Promise<OutboundResponse> {
    let { url, method, body } = outbound;
    const headers = { ...outbound.headers };
    for (let redirects = 0; ; redirects++) {
      try {
        this.guard.checkScheme(url);
        if (call.stopped) throw call.stopped;
        const follows = outbound.followRedirects;
        const response = await new Promise<HopResponse>((resolve, reject) => {
          const hop = new Hop(method === 'HEAD', follows, outbound.maxResponseBytes, resolve, reject);
          call.hop = hop;
          this.agent.dispatch(
            {
              origin: url.origin,
              path: url.search ? `${url.pathname}${url.search}` : url.pathname,
              method: method as Dispatcher.HttpMethod,
              headers,
              body,
              headersTimeout: outbound.timeoutMs,
              bodyTimeout: outbound.timeoutMs,
            },
            hop,
          );
        });
        call.hop = null;
        const location = response.headers.location;
        if (follows && REDIRECT_STATUSES.has(response.status) && typeof location === 'string') {
          if (redirects >= MAX_REDIRECTS) throw new Error(`Too many redirects (more than ${MAX_REDIRECTS})`);
          const next = parseLocation(location, url);
          next.username = '';
          next.password = '';
          if (next.origin !== url.origin) for (const name of [...ORIGIN_BOUND_HEADERS, ...outbound.credentialHeaders]) deleteHeader(headers, name);
          // As browsers do: 303 turns into GET, and so do 301/302 after a POST.
          if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
            for (const name of ['content-type', 'content-length']) deleteHeader(headers, name);
          }
          url = next;
          continue;
        }
        return { status: response.status, statusText: response.statusText, headers: response.headers, body: response.body, url };
      } catch (error) {
        call.hop = null;
        throw describeFailure(error, { url, redirects, call, outbound });
      }
    }
  }

  /** Lets in-flight requests finish, then closes every kept-alive connection. */
  close(): Promise<void> {
    return this.agent.close();
  }
}

/** One send: the hop in flight, and why the call was stopped (the engine's reason, or the deadline). */
interface Call {
  hop: Hop | null;
  stopped: Error | null;
  deadlinePassed: boolean;
}

interface HopResponse {
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** What a redirect's or a HEAD answer's body is read to, at most, before the connection is dropped instead (as undici's `dump`). */
const DUMP_LIMIT = 128 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * One request and its answer, as undici's handler callbacks deliver them. The body is kept up to
 * `limit` bytes (a declared length above it is refused before a byte is read; a chunked or lying
 * answer is cut off as soon as it passes it, closing the connection); the body of a redirect about
 * to be followed, or of a HEAD answer, is read and dropped so the connection can be reused.
 */
class Hop implements Dispatcher.DispatchHandler {
  private abortHop: ((reason: Error) => void) | null = null;
  private stopped: Error | null = null;
  private settled = false;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string | string[]> = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  /** Read and dropped: a redirect to follow, or a HEAD answer. */
  private dropBody = false;

  constructor(
    private readonly head: boolean,
    private readonly followRedirects: boolean,
    private readonly limit: number,
    private readonly resolve: (response: HopResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /** Stops the hop (abort, deadline): rejected at once, the connection dropped if it was in use. */
  stop(reason: Error): void {
    if (this.settled) return;
    this.stopped = reason;
    this.fail(reason);
    this.abortHop?.(reason);
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.stopped) abort(this.stopped);
    else this.abortHop = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.statusText = statusText ?? '';
    this.headers = util.parseHeaders(rawHeaders) as Record<string, string | string[]>;
    this.dropBody = this.head || (this.followRedirects && REDIRECT_STATUSES.has(statusCode) && typeof this.headers.location === 'string');
    const length = this.headers['content-length'];
    if (this.dropBody) {
      if (!this.head && declaresMoreThan(length, DUMP_LIMIT)) this.dropAndFinish();
    } else if (declaresMoreThan(length, this.limit)) {
      this.refuseTooLarge();
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    this.bytes += chunk.length;
    if (this.dropBody) {
      if (this.bytes > DUMP_LIMIT) this.dropAndFinish();
    } else if (this.bytes > this.limit) {
      this.refuseTooLarge();
    } else {
      this.chunks.push(chunk);
    }
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(error: Error): void {
    // A dropped body's failure does not matter (undici's `dump` swallows it too): the answer is known.
    if (this.dropBody && !this.stopped) this.finish();
    else this.fail(error);
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    // A copy: a chunk is a view of the socket's read, headers included.
    const body = this.dropBody || this.chunks.length === 0 ? EMPTY : Buffer.concat(this.chunks, this.bytes);
    this.resolve({ status: this.status, statusText: this.statusText, headers: this.headers, body });
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  /** A redirect's body past DUMP_LIMIT: the redirect is followed, the connection closed instead of read to the end. */
  private dropAndFinish(): void {
    this.finish();
    this.abortHop?.(new Error('Redirect body not read'));
  }

  private refuseTooLarge(): void {
    const error = new ResponseTooLargeError(this.limit);
    this.fail(error);
    this.abortHop?.(error);
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

function describeFailure(error: unknown, at: { url: URL; redirects: number; call: Call; outbound: OutboundRequest }): Error {
  // The engine's own reason (node timeout, cancel, shutdown) explains the stop better than ours.
  if (at.outbound.signal.aborted) return at.outbound.signal.reason instanceof Error ? at.outbound.signal.reason : new Error('Aborted');
  const hop = at.redirects > 0 ? ` (at redirect ${at.redirects}, ${displayUrl(at.url)})` : '';
  if (at.call.deadlinePassed) return new Error(`HTTP request timed out after ${at.outbound.timeoutMs} ms${hop}`);
  const message = error instanceof Error ? error.message : String(error);
  // A refused target stays a refusal (an input fault, never retried), wherever in the redirects it came.
  return error instanceof RefusedTargetError || (error as { code?: unknown } | null)?.code === 'ERR_SSRF_REFUSED' ? new RefusedTargetError(`${message}${hop}`) : new Error(`${message}${hop}`);
}
