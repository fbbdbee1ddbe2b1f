import type { ServerResponse } from 'node:http';
import { RecordingServer, sendJson, type RecordedRequest } from './recording-server.js';

/**
 * An HTTP server on 127.0.0.1 for the HTTP Request node to call. Routes:
 * - `/echo…`: JSON `{ method, url, headers, body }` of what arrived
 * - `/text`: `text/plain` "hello"; `/json-as-text`: JSON text labelled `text/plain`
 * - `/status/:code`: that status with a short text body
 * - `/redirect/:n`: a chain of n 302s ending at `/echo`; `/redirect-to?url=…&status=…&bytes=n`: one redirect there (with n bytes of body)
 * - `/bytes/:n` (with Content-Length) and `/chunked/:n` (without): n bytes of "x"
 * - `/slow/:ms`: answers after ms
 * - `/flaky/:key?failures=n`: 500 for the first n calls of each key, then 200
 */
export async function startHttpTarget(): Promise<RecordingServer> {
  const flaky = new Map<string, number>();
  return new RecordingServer((request, response) => route(request, response, flaky)).start();
}

function route(request: RecordedRequest, response: ServerResponse, flaky: Map<string, number>): void | Promise<void> {
  const url = new URL(request.url, 'http://target');
  const [, first, second] = url.pathname.split('/');
  switch (first) {
    case 'echo':
      return sendJson(response, 200, { method: request.method, url: request.url, headers: request.headers, body: request.body });
    case 'text':
      response.writeHead(200, { 'content-type': 'text/plain' });
      return void response.end('hello');
    case 'json-as-text':
      response.writeHead(200, { 'content-type': 'text/plain' });
      return void response.end('{"a":1}');
    case 'status':
      response.writeHead(Number(second), { 'content-type': 'text/plain' });
      return void response.end(`nope: the target said ${second}`);
    case 'redirect': {
      const left = Number(second);
      response.writeHead(302, { location: left > 1 ? `/redirect/${left - 1}` : '/echo/end' });
      return void response.end();
    }
    case 'redirect-to':
      response.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('url') ?? '/' });
      return void response.end('x'.repeat(Number(url.searchParams.get('bytes') ?? 0)));
    case 'bytes':
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Number(second)) });
      return void response.end('x'.repeat(Number(second)));
    case 'chunked': {
      response.writeHead(200, { 'content-type': 'text/plain' });
      let left = Number(second);
      while (left > 0) {
        const size = Math.min(left, 256);
        response.write('x'.repeat(size));
        left -= size;
      }
      return void response.end();
    }
    case 'slow':
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          if (!response.destroyed) sendJson(response, 200, { slow: true });
          resolve();
        }, Number(second)),
      );
    case 'flaky': {
      const calls = (flaky.get(second) ?? 0) + 1;
      flaky.set(second, calls);
      if (calls <= Number(url.searchParams.get('failures') ?? 2)) return sendJson(response, 500, { error: 'temporarily broken', calls });
      return sendJson(response, 200, { ok: true, calls });
    }
    default:
      return sendJson(response, 404, { error: 'no such route' });
  }
}
