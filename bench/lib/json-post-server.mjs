import http from 'node:http';

/**
 * The bare HTTP side of the bench's hand-written servers (baseline-server.mjs, floor-server.mjs):
 * `GET /health` answers 200; any other request's body is parsed as JSON and handed to `accept`,
 * whose answer is sent as `202 {"id": …}` once it resolves; a body that is not JSON gets a 400 and a
 * failed `accept` a 503. Keep-alive as the service's. Listens on 127.0.0.1:`port`.
 */
export function serveJsonPosts(port, accept) {
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/health') {
      response.writeHead(200).end('ok');
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      try {
        const id = await accept(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
      } catch (error) {
        response.writeHead(error instanceof SyntaxError ? 400 : 503).end();
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  return server;
}
