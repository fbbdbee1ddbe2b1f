import { describe, expect, it } from 'vitest';
import { Timetable, type TimetableSpec } from './timetable.js';

const spec = (fields: Partial<TimetableSpec>): TimetableSpec => ({ cron: null, intervalMs: null, timezone: 'UTC', overlap: 'skip', catchUp: 'latest', startAt: null, endAt: null, ...fields });
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const anchor = new Date('2026-01-01T00:00:00Z');

describe('Timetable', () => {
  describe('Europe/Berlin', () => {
    const daily = new Timetable(spec({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }));

    it('skips 02:30 on the spring-forward night (29 March 2026: 02:00 → 03:00), not moving it to 03:00', () => {
      expect(iso(daily.upcoming(new Date('2026-03-27T00:00:00Z'), anchor, 3))).toEqual([
        '2026-03-27T01:30:00.000Z', // 02:30 CET
        '2026-03-28T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z', // 02:30 CEST; 29 March has no 02:30
      ]);
    });

    it('fires the repeated 02:30 of the autumn night (25 October 2026) once, at its first occurrence', () => {
      expect(iso(daily.upcoming(new Date('2026-10-24T12:00:00Z'), anchor, 2))).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST; 02:30 CET an hour later does not fire
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('fires a pattern that matches every 20 minutes once per wall-clock time in the repeated hour', () => {
      // 02:00–02:59 local happens twice (00:00–00:59Z in CEST, 01:00–01:59Z in CET).
      expect(iso(new Timetable(spec({ cron: '*/20 * * * *', timezone: 'Europe/Berlin' })).upcoming(new Date('2026-10-24T23:50:00Z'), anchor, 5))).toEqual([
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:20:00.000Z',
        '2026-10-25T00:40:00.000Z',
        '2026-10-25T02:00:00.000Z', // 03:00 CET; the second 02:00, 02:20, 02:40 do not fire
        '2026-10-25T02:20:00.000Z',
      ]);
    });

    it('finds the latest due time before an instant with the same rules', () => {
      expect(daily.latest(new Date('2026-03-29T23:00:00Z'), new Date('2026-03-01T00:00:00Z'), anchor)?.toISOString()).toBe('2026-03-28T01:30:00.000Z');
    });
  });

  describe('America/New_York', () => {
    it('skips 02:30 on 8 March 2026 (02:00 → 03:00 EDT)', () => {
      const daily = new Timetable(spec({ cron: '30 2 * * *', timezone: 'America/New_York' }));
      expect(iso(daily.upcoming(new Date('2026-03-06T12:00:00Z'), anchor, 3))).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z']);
    });

    it('fires the repeated 01:30 of 1 November 2026 once, in EDT', () => {
      const daily = new Timetable(spec({ cron: '30 1 * * *', timezone: 'America/New_York' }));
      expect(iso(daily.upcoming(new Date('2026-10-31T12:00:00Z'), anchor, 2))).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
    });

    it('reads 6 fields with seconds first', () => {
      const cron = new Timetable(spec({ cron: '15 0 9 * * 1', timezone: 'America/New_York' }));
      // Mondays at 09:00:15 New York time.
      expect(iso(cron.upcoming(new Date('2026-12-01T00:00:00Z'), anchor, 2))).toEqual(['2026-12-07T14:00:15.000Z', '2026-12-14T14:00:15.000Z']);
    });
  });

  describe('startAt and endAt', () => {
    it('includes startAt and excludes endAt', () => {
      const hourly = new Timetable(spec({ cron: '0 * * * *', startAt: '2026-05-01T10:00:00.000Z', endAt: '2026-05-01T12:00:00.000Z' }));
      expect(iso(hourly.upcoming(new Date('2026-04-01T00:00:00Z'), anchor, 5))).toEqual(['2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z']);
    });
  });

  describe('intervalMs', () => {
    it('counts from startAt when given', () => {
      const every = new Timetable(spec({ intervalMs: 90_000, startAt: '2026-05-01T10:00:00.000Z' }));
      expect(iso(every.upcoming(new Date('2026-05-01T10:02:00Z'), anchor, 2))).toEqual(['2026-05-01T10:03:00.000Z', '2026-05-01T10:04:30.000Z']);
      expect(every.latest(new Date('2026-05-01T10:04:29Z'), new Date(0), anchor)?.toISOString()).toBe('2026-05-01T10:03:00.000Z');
    });

    it('counts from the anchor (the activation) otherwise, and ignores DST', () => {
      const activated = new Date('2026-10-25T00:59:59.500Z');
      const every = new Timetable(spec({ intervalMs: 3_600_000, timezone: 'Europe/Berlin' }));
      expect(iso(every.upcoming(activated, activated, 2))).toEqual(['2026-10-25T01:59:59.500Z', '2026-10-25T02:59:59.500Z']);
    });
  });
});
