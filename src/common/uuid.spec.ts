import { describe, expect, it } from 'vitest';
import { idAtTime, newId, timeOfId } from './uuid.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newId', () => {
  it('makes unique, strictly increasing version-7 ids, also many within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1], `${ids[i - 1]} then ${ids[i]}`).toBe(true);
  });

  it('carries the current time in its first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const ms = timeOfId(id)!;
    // A burst can run the counter ahead of the clock by a millisecond or so.
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThan(Date.now() + 50);
  });

  it('orders after idAtTime of its millisecond and before that of the next (partition bounds)', () => {
    const now = Date.now();
    const id = newId();
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(id >= idAtTime(ms)).toBe(true);
    expect(id < idAtTime(ms + 1)).toBe(true);
    expect(idAtTime(now - 86_400_000) < idAtTime(now)).toBe(true);
    expect(idAtTime(Date.UTC(2026, 11, 3))).toBe('01a23933-6800-0000-0000-000000000000');
  });
});

describe('timeOfId', () => {
  it('reads the millisecond a version-7 id was made at, and nothing from an id of another version', () => {
    const at = Date.UTC(2026, 11, 3, 12, 30);
    expect(timeOfId(idAtTime(at).replace(/-0000-/, '-7000-'))).toBe(at);
    expect(timeOfId(newId())).toBeGreaterThan(at);
    expect(timeOfId('3b241101-e2bb-4255-8caf-4136c566a962')).toBeUndefined();
  });
});
