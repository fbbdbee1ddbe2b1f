import net from 'node:net';

/**
 * A TCP proxy that passes both directions through unchanged and shows the client's side to a
 * counter: subclasses implement `watch()`, which returns the per-connection handler of the client's
 * bytes (WireCounter for PostgreSQL, RespCounter for Redis).
 */
export class CountingProxy {
  constructor(targetHost, targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.sockets = new Set();
  }

  async start() {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
  }

  /** `url` rewritten to go through the proxy. */
  wrap(url) {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  accept(client) {
    const upstream = net.connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    const seen = this.watch();
    client.on('data', (chunk) => {
      upstream.write(chunk);
      seen(chunk);
    });
  }

  /** A new connection's handler of the client's bytes. */
  watch() {
    throw new Error('CountingProxy.watch is for subclasses');
  }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
