import type { buildConnector } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedHttpClient } from '../src/nodes/http/guarded-http-client.js';
import { guardedConnector, RefusedTargetError, SsrfGuard, type HostResolver } from '../src/nodes/http/ssrf-guard.js';
import { RecordingServer, sendJson } from './support/recording-server.js';

const HINT = '(set HTTP_ALLOWED_HOSTS or HTTP_ALLOW_PRIVATE_NETWORKS)';
const DEFAULT_POLICY = { allowPrivateNetworks: false, allowedHosts: [] };

/** A resolver that must not be asked: IP literals need no DNS. */
const noDns: HostResolver = async (hostname) => {
  throw new Error(`unexpected DNS lookup of ${hostname}`);
};

const stubDns =
  (answers: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

/**
 * A base connector that never opens a socket: it records what it was asked to connect to and fails.
 * Anything that reaches it got past the guard — and still sent no packet anywhere.
 */
function recordingConnector() {
  const calls: buildConnector.Options[] = [];
  const connect: buildConnector.connector = (options, callback) => {
    calls.push(options);
    callback(new Error(`stub connector: not connecting to ${options.hostname}`), null);
  };
  return { calls, connect };
}

const connectOnce = (connector: buildConnector.connector, options: Partial<buildConnector.Options>) =>
  new Promise<Error | null>((resolve) => connector({ protocol: 'http:', port: '80', hostname: 'x', ...options } as buildConnector.Options, (...[error]) => resolve(error)));

describe('SsrfGuard', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[::1]/', '::1'],
  ])('refuses the numeric host form %s (the URL parser makes it %s) without DNS', async (url, normalised) => {
    const parsed = new URL(url);
    const guard = new SsrfGuard(DEFAULT_POLICY, noDns);
    await expect(guard.resolve(parsed.hostname, parsed.port, parsed.protocol)).rejects.toThrow(`Refused to connect to ${normalised}: loopback addresses are not allowed ${HINT}`);
  });

  it.each([
    ['169.254.169.254', 'link-local addresses (including cloud metadata endpoints) are not allowed'],
    ['10.0.0.1', 'private network addresses are not allowed'],
    ['192.168.1.1', 'private network addresses are not allowed'],
    ['172.16.5.4', 'private network addresses are not allowed'],
    ['100.64.0.1', 'carrier-grade NAT addresses are not allowed'],
    ['fc00::1', 'unique-local IPv6 addresses are not allowed'],
    ['fe80::1', 'link-local addresses (including cloud metadata endpoints) are not allowed'],
    ['0.0.0.0', 'unspecified addresses are not allowed'],
    ['224.0.0.251', 'multicast addresses are not allowed'],
    ['64:ff9b::a00:1', 'private network addresses are not allowed'],
  ])('refuses %s, saying why', async (address, why) => {
    const guard = new SsrfGuard(DEFAULT_POLICY, noDns);
    await expect(guard.resolve(address, '', 'http:')).rejects.toThrow(`Refused to connect to ${address}: ${why} ${HINT}`);
  });

  it('checks what a name resolves to, and every address it resolves to', async () => {
    const guard = new SsrfGuard(DEFAULT_POLICY, stubDns({ 'metadata.test': ['169.254.169.254'], 'mixed.test': ['93.184.216.34', '10.1.2.3'], 'public.test': ['93.184.216.34', '2606:4700::1'] }));
    await expect(guard.resolve('metadata.test', '', 'http:')).rejects.toThrow('Refused to connect to metadata.test: link-local');
    await expect(guard.resolve('mixed.test', '', 'http:')).rejects.toThrow('Refused to connect to mixed.test: private network');
    await expect(guard.resolve('public.test', '', 'http:')).resolves.toEqual(['93.184.216.34', '2606:4700::1']);
    await expect(guard.resolve('nowhere.test', '', 'http:')).rejects.toThrow('Could not resolve host nowhere.test (ENOTFOUND)');
  });

  it('lets allow-listed hosts (host or host:port, default ports included) and private networks through when configured', async () => {
    const dns = stubDns({ 'intranet.test': ['10.0.0.7'] });
    const byPort = new SsrfGuard({ allowPrivateNetworks: false, allowedHosts: ['127.0.0.1:8080', 'intranet.test:80', '[::1]:9000'] }, dns);
    await expect(byPort.resolve('127.0.0.1', '8080', 'http:')).resolves.toEqual(['127.0.0.1']);
    await expect(byPort.resolve('127.0.0.1', '8081', 'http:')).rejects.toThrow('loopback');
    await expect(byPort.resolve('intranet.test', '', 'http:')).resolves.toEqual(['10.0.0.7']);
    await expect(byPort.resolve('intranet.test', '', 'https:')).rejects.toThrow('Refused to connect to intranet.test: private network');
    await expect(byPort.resolve('::1', '9000', 'http:')).resolves.toEqual(['::1']);
    const byHost = new SsrfGuard({ allowPrivateNetworks: false, allowedHosts: ['intranet.test'] }, dns);
    await expect(byHost.resolve('intranet.test', '8443', 'https:')).resolves.toEqual(['10.0.0.7']);
    const open = new SsrfGuard({ allowPrivateNetworks: true, allowedHosts: [] }, noDns);
    await expect(open.resolve('169.254.169.254', '', 'http:')).resolves.toEqual(['169.254.169.254']);
  });

  it('refuses schemes other than http and https', () => {
    const guard = new SsrfGuard(DEFAULT_POLICY, noDns);
    expect(() => guard.checkScheme(new URL('file:///etc/passwd'))).toThrow('Refused to request a file: URL: only http and https are allowed');
    expect(() => guard.checkScheme(new URL('ftp://x/'))).toThrow(RefusedTargetError);
    expect(() => guard.checkScheme(new URL('gopher://x/'))).toThrow(RefusedTargetError);
    expect(() => guard.checkScheme(new URL('https://x/'))).not.toThrow();
  });
});

describe('guardedConnector: the check is on the address actually connected to', () => {
  it('survives DNS rebinding: connects to the address it checked, and refuses when the next answer is private', async () => {
    const answers = [['93.184.216.34'], ['127.0.0.1']];
    const rebinding: HostResolver = async () => answers.shift()!.map((address) => ({ address, family: 4 }));
    const base = recordingConnector();
    const connector = guardedConnector(new SsrfGuard(DEFAULT_POLICY, rebinding), base.connect);

    const first = await connectOnce(connector, { hostname: 'rebind.test', host: 'rebind.test', protocol: 'https:', port: '' });
    expect(first?.message).toMatch(/stub connector/);
    expect(base.calls).toHaveLength(1);
    // The socket goes to the checked address; TLS still names the host.
    expect(base.calls[0]).toMatchObject({ hostname: '93.184.216.34', servername: 'rebind.test', host: 'rebind.test' });

    const second = await connectOnce(connector, { hostname: 'rebind.test', host: 'rebind.test', protocol: 'https:', port: '' });
    expect(second).toBeInstanceOf(RefusedTargetError);
    expect(second?.message).toBe(`Refused to connect to rebind.test: loopback addresses are not allowed ${HINT}`);
    expect(base.calls).toHaveLength(1);
  });

  it('never hands a private address to the socket layer, whatever the URL looks like', async () => {
    const base = recordingConnector();
    const client = new GuardedHttpClient(new SsrfGuard(DEFAULT_POLICY, stubDns({ 'metadata.test': ['169.254.169.254'] })), base.connect);
    const send = (url: string) =>
      client.send({ method: 'GET', url: new URL(url), headers: {}, timeoutMs: 5000, maxResponseBytes: 1024, followRedirects: true, signal: new AbortController().signal, credentialHeaders: [] });
    try {
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://metadata.test/',
        'http://10.0.0.1/',
        'http://192.168.1.1/',
        'http://172.16.0.1/',
        'http://100.64.0.1/',
        'http://[fc00::1]/',
        'http://[fe80::1]/',
        'http://[::ffff:10.0.0.1]/',
        'http://[::ffff:a9fe:a9fe]/',
        'http://[64:ff9b::a9fe:a9fe]/',
        'http://0.0.0.0/',
      ]) {
        await expect(send(url), url).rejects.toThrow(/^Refused to connect to .*are not allowed \(set HTTP_ALLOWED_HOSTS or HTTP_ALLOW_PRIVATE_NETWORKS\)$/);
      }
      expect(base.calls).toEqual([]);
      // The same path with a public address does reach the (stub) socket layer: the refusals above were the guard's.
      await expect(send('http://93.184.216.34/')).rejects.toThrow('stub connector: not connecting to 93.184.216.34');
      expect(base.calls.map((call) => call.hostname)).toEqual(['93.184.216.34']);
    } finally {
      await client.close();
    }
  });

  describe('with a real socket on 127.0.0.1', () => {
    let target: RecordingServer;
    beforeAll(async () => {
      target = await new RecordingServer((request, response) => sendJson(response, 200, { host: request.headers.host })).start();
    });
    afterAll(() => target.close());

    const get = (client: GuardedHttpClient, url: string) =>
      client.send({ method: 'GET', url: new URL(url), headers: {}, timeoutMs: 5000, maxResponseBytes: 1024, followRedirects: true, signal: new AbortController().signal, credentialHeaders: [] });

    it('refuses a name that resolves to loopback; the target sees nothing', async () => {
      const client = new GuardedHttpClient(new SsrfGuard(DEFAULT_POLICY, stubDns({ 'app.test': ['127.0.0.1'] })));
      try {
        await expect(get(client, `http://app.test:${target.port}/`)).rejects.toThrow(`Refused to connect to app.test: loopback addresses are not allowed ${HINT}`);
        expect(target.requests).toHaveLength(0);
      } finally {
        await client.close();
      }
    });

    it('connects an allow-listed name to the address it resolved, keeping the Host header', async () => {
      // The system resolver does not know app.test: only the guard's own answer can have been used.
      const client = new GuardedHttpClient(new SsrfGuard({ allowPrivateNetworks: false, allowedHosts: [`app.test:${target.port}`] }, stubDns({ 'app.test': ['127.0.0.1'] })));
      try {
        const response = await get(client, `http://app.test:${target.port}/`);
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body.toString())).toEqual({ host: `app.test:${target.port}` });
        expect(target.requests).toHaveLength(1);
      } finally {
        await client.close();
      }
    });

    it('tries the next checked address when the first does not answer', async () => {
      // Nothing listens on [::1]:port (the target is bound to 127.0.0.1 only), as with `localhost` often.
      const client = new GuardedHttpClient(new SsrfGuard({ allowPrivateNetworks: true, allowedHosts: [] }, stubDns({ 'dual.test': ['::1', '127.0.0.1'] })));
      try {
        const before = target.requests.length;
        const response = await get(client, `http://dual.test:${target.port}/`);
        expect(response.status).toBe(200);
        expect(target.requests).toHaveLength(before + 1);
      } finally {
        await client.close();
      }
    });
  });
});
