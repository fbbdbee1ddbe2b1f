import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time.js';

describe('isoTime', () => {
  it('writes what toISOString writes, for the same millisecond again and for the next one', () => {
    const now = Date.now();
    for (const ms of [now, now, now + 1, 0, now, 253402300799999]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
