import { randomUUID } from 'node:crypto';

let lastMs = -1;
let counter = 0;
const MAX_COUNTER = 0xfff;

/**
 * Time-ordered ids (UUID version 7) keep inserts on the right-hand edge of every primary-key index.
 * Ids made by this process are strictly increasing: a 12-bit counter (rand_a, RFC 9562 §6.2 method
 * 1) orders those of the same millisecond, starting from a random value at each new one. The random
 * part comes from randomUUID, which draws from a cached entropy pool: the `uuid` package's v7 asked
 * the kernel for 16 bytes on every call, 5 % of the webhook path's CPU (bench/README.md).
 */
export function newId(): string {
  const random = randomUUID();
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // At most 0x7ff, so at least 2048 more ids fit in this millisecond.
    counter = parseInt(random.slice(15, 18), 16) & 0x7ff;
  } else if (++counter > MAX_COUNTER) {
    lastMs++;
    counter = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  // random is xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: its variant nibble V and last 62 bits are kept.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${random.slice(19)}`;
}

/**
 * The smallest UUID of the millisecond `ms`: every UUIDv7 made at or after `ms` compares greater or
 * equal, every one made before compares less. Turns a time into an id bound (partitions, time filters).
 */
export function idAtTime(ms: number): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-0000-0000-000000000000`;
}


/** The millisecond a UUIDv7 was made at (idAtTime's inverse); undefined for an id of another version. */
export function timeOfId(id: string): number | undefined {
  return id[14] === '7' ? parseInt(id.slice(0, 8) + id.slice(9, 13), 16) : undefined;
}
