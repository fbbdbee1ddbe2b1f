import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { classifyAddress, describeAddressClass } from './address-policy.js';
import { NodeInputError } from '../node-executor.js';

/** Every address a hostname resolves to, as the system resolver (or a test's stub) gives them. */
export type HostResolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface SsrfPolicy {
  /** HTTP_ALLOW_PRIVATE_NETWORKS: everything may be reached. */
  allowPrivateNetworks: boolean;
  /** HTTP_ALLOWED_HOSTS: lower-case `host` or `host:port` entries reachable whatever they resolve to. */
  allowedHosts: readonly string[];
}

/** A refusal by the guard: the message says what was refused and why, and how to allow it. */
export class RefusedTargetError extends NodeInputError {
  readonly code = 'ERR_SSRF_REFUSED';
}

const HINT = '(set HTTP_ALLOWED_HOSTS or HTTP_ALLOW_PRIVATE_NETWORKS)';
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

const unbracket = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/**
 * docs/security.md. The address check runs inside the connection itself (see `guardedConnector`): the
 * hostname is resolved once, every address is checked, and the socket is opened to that very
 * address, so a DNS answer that changes between a check and the connect (rebinding) cannot slip a
 * private address through. Redirect hops open new connections and so pass the same check.
 */
export class SsrfGuard {
  constructor(
    private readonly policy: SsrfPolicy,
    private readonly resolver: HostResolver = systemResolver,
  ) {}

  /** Refuses schemes other than http(s) before anything else happens. */
  checkScheme(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RefusedTargetError(`Refused to request a ${url.protocol} URL: only http and https are allowed`);
    }
  }

  isAllowListed(hostname: string, port: string, protocol: string): boolean {
    const host = unbracket(hostname);
    const effectivePort = port || DEFAULT_PORTS[protocol] || '';
    const names = isIP(host) === 6 ? [host, `[${host}]`] : [host];
    return names.some((name) => this.policy.allowedHosts.includes(name) || this.policy.allowedHosts.includes(`${name}:${effectivePort}`));
  }

  /**
   * Resolves the host and returns the addresses that may be connected to (in resolver order), or
   * throws why the host may not be reached.
   */
  async resolve(hostname: string, port: string, protocol: string): Promise<string[]> {
    const host = unbracket(hostname);
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : (await this.resolver(host)).map((entry) => entry.address);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException)?.code;
      throw new Error(`Could not resolve host ${host}${code ? ` (${code})` : ''}`);
    }
    if (addresses.length === 0) throw new Error(`Could not resolve host ${host}`);
    if (this.policy.allowPrivateNetworks || this.isAllowListed(host, port, protocol)) return addresses;
    // Every answer is checked, not just the one used: a name that resolves to a private address
    // among public ones is a rebinding setup, not a configuration to guess around.
    for (const address of addresses) {
      const refused = classifyAddress(address);
      if (refused) {
        // The host as written, never what it resolved to: an internal name's address is a map of
        // the network for whoever probes with it (docs/security.md).
        throw new RefusedTargetError(`Refused to connect to ${host}: ${describeAddressClass(refused)} ${HINT}`);
      }
    }
    return addresses;
  }
}

type Connector = buildConnector.connector;

/**
 * An undici connector that asks the guard first and then connects to exactly the addresses it
 * checked, one after the other until one answers (a name often resolves to ::1 and 127.0.0.1, and a
 * server listens on one of them). TLS still verifies the certificate against, and sends SNI for, the
 * hostname; the Host header is undici's, from the URL.
 */
export function guardedConnector(guard: SsrfGuard, base: Connector = buildConnector({})): Connector {
  return (options, callback) => {
    const hostname = unbracket(options.hostname);
    const servername = options.servername || (isIP(hostname) ? undefined : hostname);
    const attempt = (addresses: string[], index: number) => {
      try {
        base({ ...options, hostname: addresses[index], servername }, (...result) => {
          const [error] = result;
          if (error && index + 1 < addresses.length && isConnectFailure(error)) attempt(addresses, index + 1);
          else if (error && isConnectFailure(error) && !isIP(hostname)) callback(unreachable(hostname, options.port, error), null);
          else callback(...result);
        });
      } catch (error) {
        callback(error as Error, null);
      }
    };
    guard.resolve(hostname, options.port, options.protocol).then(
      (addresses) => attempt(addresses, 0),
      (error: Error) => callback(error, null),
    );
  };
}

/**
 * A host name that could not be reached, said without the address it resolved to (Node's message
 * names it: `connect ECONNREFUSED 10.0.0.7:80`), as the guard's refusals do (docs/security.md).
 */
function unreachable(hostname: string, port: string, cause: Error): Error {
  const code = (cause as NodeJS.ErrnoException).code ?? 'unreachable';
  const error = new Error(`Could not connect to ${hostname}${port ? `:${port}` : ''} (${code})`) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

/** Errors after which another address of the same host is worth a try. */
const isConnectFailure = (error: Error): boolean => ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT'].includes((error as NodeJS.ErrnoException).code ?? '');
