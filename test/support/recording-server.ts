import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Date.now() when the body had arrived. */
  receivedAt: number;
}

export type Handler = (request: RecordedRequest, response: http.ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 that records every request before handing it to `handler`: the
 * outside world for the nodes under test, with no mock in the path.
 */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  port = 0;

  constructor(private handler: Handler) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json, receivedAt: Date.now() };
        this.requests.push(recorded);
        Promise.resolve(this.handler(recorded, res)).catch(() => res.destroy());
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setHandler(handler: Handler): void {
    this.handler = handler;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** An answer a fake outside API gives instead of its normal one; the body may depend on the request. */
export interface ScriptedFailure {
  status: number;
  body: unknown | ((request: RecordedRequest) => unknown);
  headers?: Record<string, string>;
}

/** The failures a fake was told to give, next call first (FakeResend, FakeTelegram). */
export class ScriptedFailures {
  private readonly queue: ScriptedFailure[] = [];

  add(times: number, failure: ScriptedFailure): void {
    for (let i = 0; i < times; i++) this.queue.push(failure);
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** Answers with the next scripted failure; false when none is left. */
  answer(request: RecordedRequest, response: http.ServerResponse): boolean {
    const failure = this.queue.shift();
    if (!failure) return false;
    const body = typeof failure.body === 'function' ? (failure.body as (request: RecordedRequest) => unknown)(request) : failure.body;
    sendJson(response, failure.status, body, failure.headers);
    return true;
  }
}
