import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which addresses the HTTP Request node may not reach by default (docs/security.md), as pure functions of
 * the address so they can be tested without a network. `classifyAddress` answers why an address is
 * off limits, or null for a public unicast address.
 *
 * The rule is an allow list in disguise for IPv6: only global unicast (2000::/3) passes, minus the
 * special ranges inside it, so a range nobody thought of is refused rather than reached.
 */
export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

interface V4Range {
  base: number;
  bits: number;
  class: AddressClass;
}

const v4 = (dotted: string, bits: number, cls: AddressClass): V4Range => ({ base: parseIPv4(dotted)!, bits, class: cls });

/** IANA special-purpose IPv4 ranges that must not be reached from a workflow. */
const V4_RANGES: V4Range[] = [
  v4('0.0.0.0', 8, 'unspecified'),
  v4('10.0.0.0', 8, 'private'),
  v4('100.64.0.0', 10, 'carrier-grade NAT'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private'),
  v4('192.0.0.0', 24, 'reserved'),
  v4('192.0.2.0', 24, 'reserved'),
  v4('192.88.99.0', 24, 'reserved'),
  v4('192.168.0.0', 16, 'private'),
  v4('198.18.0.0', 15, 'reserved'),
  v4('198.51.100.0', 24, 'reserved'),
  v4('203.0.113.0', 24, 'reserved'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('255.255.255.255', 32, 'broadcast'),
  v4('240.0.0.0', 4, 'reserved'),
];

/** Strict dotted-quad only: numeric shortcuts (2130706433, 0x7f.1) are resolved by the resolver, never here. */
export function parseIPv4(address: string): number | null {
  if (!isIPv4(address)) return null;
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function classifyV4(value: number): AddressClass | null {
  for (const range of V4_RANGES) {
    const size = 2 ** (32 - range.bits);
    if (value >= range.base && value < range.base + size) return range.class;
  }
  return null;
}

/** Eight 16-bit groups; handles `::` and a dotted IPv4 tail. Null when not IPv6. */
export function parseIPv6(address: string): number[] | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(bare)) return null;
  let text = bare.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const value = parseIPv4(tail[1]);
    if (value === null) return null;
    text = `${text.slice(0, -tail[1].length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  return groups.length === 8 ? groups.map((group) => parseInt(group, 16)) : null;
}

const embeddedV4 = (high: number, low: number): number => high * 65536 + low;

function classifyV6(groups: number[]): AddressClass | null {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the deprecated "compatible" form) reach the IPv4 address.
  if (firstFiveZero && (g5 === 0xffff || g5 === 0)) return classifyV4(embeddedV4(g6, g7)) ?? (g5 === 0 ? 'reserved' : null);
  // ::ffff:0:a.b.c.d (SIIT translated) likewise.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return classifyV4(embeddedV4(g6, g7)) ?? null;
  // NAT64 (64:ff9b::/96) hands the packet to the embedded IPv4 address; 64:ff9b:1::/48 is local-use.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyV4(embeddedV4(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private';
  // 6to4 (2002::/16) carries the IPv4 address in the next 32 bits.
  if (g0 === 0x2002) return classifyV4(embeddedV4(g1, g2));
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  // Teredo, ORCHID, documentation and the other IETF assignments inside global unicast.
  if (g0 === 0x2001 && (g1 < 0x200 || g1 === 0xdb8)) return 'reserved';
  if (g0 === 0x3fff && g1 < 0x1000) return 'reserved'; // documentation (RFC 9637)
  if ((g0 & 0xe000) !== 0x2000) return 'reserved'; // outside 2000::/3 global unicast
  return null;
}

/** Why the address is off limits, or null when it is a public unicast address. Non-IPs are 'reserved'. */
export function classifyAddress(address: string): AddressClass | null {
  const value = parseIPv4(address);
  if (value !== null) return classifyV4(value);
  const groups = parseIPv6(address);
  return groups ? classifyV6(groups) : 'reserved';
}

const DESCRIPTIONS: Record<AddressClass, string> = {
  unspecified: 'unspecified addresses are not allowed',
  loopback: 'loopback addresses are not allowed',
  private: 'private network addresses are not allowed',
  'link-local': 'link-local addresses (including cloud metadata endpoints) are not allowed',
  'carrier-grade NAT': 'carrier-grade NAT addresses are not allowed',
  'unique-local': 'unique-local IPv6 addresses are not allowed',
  multicast: 'multicast addresses are not allowed',
  broadcast: 'broadcast addresses are not allowed',
  reserved: 'reserved or special-purpose addresses are not allowed',
};

export const describeAddressClass = (cls: AddressClass): string => DESCRIPTIONS[cls];
