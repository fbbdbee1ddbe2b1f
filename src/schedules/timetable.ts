import { Cron } from 'croner';

/** docs/schedules.md `overlap`: what a due time does while an earlier firing is still PENDING, RUNNING or WAITING. */
export const OVERLAP_POLICIES = ['skip', 'allow', 'bufferOne'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
/** docs/schedules.md `catchUp`: what happens to due times missed while no replica ran. */
export const CATCH_UP_POLICIES = ['latest', 'none'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const MIN_INTERVAL_MS = 1000;
/** A missed due time older than this is not caught up even with `catchUp: latest` (docs/schedules.md). */
export const CATCH_UP_WINDOW_MS = 24 * 3600 * 1000;

/** A schedule node's parameters, checked and with defaults applied: what the firing loop stores and reads. */
export interface TimetableSpec {
  cron: string | null;
  intervalMs: number | null;
  timezone: string;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  /** ISO instants; startAt inclusive, endAt exclusive. */
  startAt: string | null;
  endAt: string | null;
}

/**
 * Due times of one timetable. Cron times come from croner (time zones and DST included); this
 * class only applies docs/schedules.md's two DST rules on top, which croner's defaults do not give:
 *
 * - a local time that a change skips does not fire that day. croner moves a fixed-time job in the
 *   gap to the first valid time after it (02:30 → 03:00 on a spring-forward night); such a moved
 *   time no longer matches the pattern on the wall clock (`Cron.match`), so it is dropped.
 * - a local time that a change repeats fires once, at its first occurrence. croner already does so
 *   for fixed-time jobs, but runs interval patterns (`*\/20 * * * *`) on both occurrences; a due
 *   time whose wall-clock reading was already shown 30, 60 or 120 minutes earlier (every DST shift
 *   in the tz database is one of these) is the second occurrence and is dropped.
 *
 * `intervalMs` timetables are plain multiples of the interval from their anchor (startAt, else the
 * activation): elapsed time, no calendar, so DST does not concern them.
 */
export class Timetable {
  private readonly cron: Cron | null;
  private readonly startMs: number | null;
  private readonly endMs: number | null;
  private readonly wallClock: Intl.DateTimeFormat | null;

  constructor(readonly spec: TimetableSpec) {
    this.cron = spec.cron === null ? null : new Cron(spec.cron, { timezone: spec.timezone, mode: '5-or-6-parts', paused: true });
    this.startMs = spec.startAt === null ? null : Date.parse(spec.startAt);
    this.endMs = spec.endAt === null ? null : Date.parse(spec.endAt);
    // UTC has no DST: no repeated wall-clock times to look for.
    this.wallClock = spec.timezone === 'UTC' || spec.cron === null ? null : wallClockFormat(spec.timezone);
  }

  /**
   * The first due time strictly after `after`. `anchor` is when an interval timetable without
   * startAt was activated (its count starts there). Null when none is left (endAt passed, or a
   * cron that never fires again).
   */
  next(after: Date, anchor: Date): Date | null {
    const from = this.startMs !== null && this.startMs > after.getTime() ? new Date(this.startMs - 1) : after;
    const due = this.cron ? this.nextCron(from) : this.nextInterval(from, anchor);
    if (!due || (this.endMs !== null && due.getTime() >= this.endMs)) return null;
    return due;
  }

  /** Up to `count` due times strictly after `after`, in order. */
  upcoming(after: Date, anchor: Date, count: number): Date[] {
    const times: Date[] = [];
    let cursor = after;
    while (times.length < count) {
      const due = this.next(cursor, anchor);
      if (!due) break;
      times.push(due);
      cursor = due;
    }
    return times;
  }

  /** The latest due time at or before `at` and not before `notBefore`; null when there is none. */
  latest(at: Date, notBefore: Date, anchor: Date): Date | null {
    const upper = this.endMs !== null ? Math.min(at.getTime(), this.endMs - 1) : at.getTime();
    if (upper < notBefore.getTime()) return null;
    let due: Date | null;
    if (this.cron) {
      due = null;
      // previousRuns is strictly before its argument; a few candidates cover the dropped DST ones.
      for (const candidate of this.cron.previousRuns(4, new Date(upper + 1))) {
        if (this.valid(candidate)) {
          due = candidate;
          break;
        }
      }
    } else {
      const base = this.startMs ?? anchor.getTime();
      const interval = this.spec.intervalMs!;
      due = upper < base ? null : new Date(base + Math.floor((upper - base) / interval) * interval);
    }
    if (!due || due.getTime() < notBefore.getTime() || (this.startMs !== null && due.getTime() < this.startMs)) return null;
    return due;
  }

  private nextCron(after: Date): Date | null {
    let cursor = after;
    // Each rejected candidate is a DST artefact; a handful per year at most.
    for (let tries = 0; tries < 16; tries++) {
      const due = this.cron!.nextRun(cursor);
      if (!due) return null;
      if (this.valid(due)) return due;
      cursor = due;
    }
    return null;
  }

  private nextInterval(after: Date, anchor: Date): Date {
    const base = this.startMs ?? anchor.getTime();
    const interval = this.spec.intervalMs!;
    const t = after.getTime();
    if (t < base) return new Date(base);
    return new Date(base + (Math.floor((t - base) / interval) + 1) * interval);
  }

  /** docs/schedules.md's DST rules (see the class comment). */
  private valid(due: Date): boolean {
    if (!this.wallClock) return true;
    if (!this.cron!.match(due)) return false;
    const reading = this.wallClock.format(due);
    return !REPEAT_SHIFTS_MS.some((shift) => this.wallClock!.format(new Date(due.getTime() - shift)) === reading);
  }
}

/** Every DST shift in the tz database is 30, 60 or 120 minutes. */
const REPEAT_SHIFTS_MS = [30, 60, 120].map((minutes) => minutes * 60_000);

const formats = new Map<string, Intl.DateTimeFormat>();
function wallClockFormat(timezone: string): Intl.DateTimeFormat {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timezone, format);
  }
  return format;
}

/** True for an IANA zone name this runtime knows (Intl throws a RangeError for others). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
