/**
 * The outside API of the effect workflow (bench/README.md): a bare JSON server in its own process, so its
 * CPU is not the service's. Every request's body is read and answered `200 {"ok":true,"bytes":N}`,
 * keep-alive; `GET /health` answers too. Counts connections, so the bench can say whether the
 * service reused them (`GET /stats`).
 */
import http from 'node:http';

let connections = 0;
let requests = 0;
const server = http.createServer((request, response) => {
  if (request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ connections, requests }));
    return;
  }
  let bytes = 0;
  request.on('data', (chunk) => (bytes += chunk.length));
  request.on('end', () => {
    requests++;
    const body = `{"ok":true,"bytes":${bytes}}`;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.on('connection', () => connections++);
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
