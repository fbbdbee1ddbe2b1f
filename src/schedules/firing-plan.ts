import type { ExecutionStatus } from '../executions/execution.types.js';
import { CATCH_UP_WINDOW_MS, Timetable } from './timetable.js';

/** Statuses in which an earlier firing still counts as going on (docs/schedules.md overlap). */
const UNFINISHED: readonly ExecutionStatus[] = ['PENDING', 'RUNNING', 'WAITING'];
/** At most this many due times of one schedule are fired per pass; the row stays due for the next. */
export const MAX_FIRINGS_PER_PASS = 100;
/** Counting the due times a catch-up skips stops here (a 1-second cron down for a day has 86,400). */
const MAX_COUNTED = 10_000;

export interface PlanInput {
  timetable: Timetable;
  nextDueAt: Date;
  anchorAt: Date;
  lastExecutionId: string | null;
  bufferedExecutionId: string | null;
  /** Statuses of the two executions above, where they exist. */
  statuses: Map<string, ExecutionStatus>;
  now: Date;
  /** A due time older than this when seen was missed while no replica ran (catchUp applies). */
  missedAfterMs: number;
}

export interface PlannedFiring {
  scheduledFor: Date;
  /** bufferOne: what this firing waits for: an execution that exists, or an earlier firing of the same pass (its index). */
  startsAfter: { execution: string } | { firing: number } | null;
}

export interface Plan {
  /** In due order; the caller gives each an execution id, the last one becomes lastExecutionId. */
  firings: PlannedFiring[];
  /** Which of those firings is left waiting (bufferOne), by index; -1 for none. */
  bufferedIndex: number;
  skippedOverlap: number;
  skippedMissed: number;
  nextDueAt: Date | null;
}

/**
 * What one pass does with one due schedule (docs/schedules.md), computed without I/O so it can be tested:
 *
 * - Due times seen within `missedAfterMs` of their time fire one by one: a busy or briefly stalled
 *   replica is late, not absent, and loses nothing.
 * - If the oldest due time is older than that, no replica ran when it came (all were down): the
 *   whole backlog is a catch-up. `latest` fires once, for the most recent due time, if it is
 *   younger than 24 h; `none` fires nothing. Every other due time of the backlog counts as skipped.
 * - `overlap` then filters what would fire: `skip` drops a firing while the previous one is
 *   unfinished; `bufferOne` lets one wait (PENDING, `startsAfter` the running one) and drops the
 *   rest; `allow` fires everything.
 */
export function planFirings(input: PlanInput): Plan {
  const { timetable, anchorAt, now } = input;
  const spec = timetable.spec;
  let candidates: Date[] = [];
  let skippedMissed = 0;
  let nextDueAt: Date | null;
  if (now.getTime() - input.nextDueAt.getTime() > input.missedAfterMs) {
    const latest = timetable.latest(now, input.nextDueAt, anchorAt) ?? input.nextDueAt;
    const backlog = countDue(timetable, input.nextDueAt, latest, anchorAt);
    if (spec.catchUp === 'latest' && now.getTime() - latest.getTime() < CATCH_UP_WINDOW_MS) {
      candidates = [latest];
      skippedMissed = backlog - 1;
    } else {
      skippedMissed = backlog;
    }
    nextDueAt = timetable.next(latest, anchorAt);
  } else {
    let due: Date | null = input.nextDueAt;
    while (due && due.getTime() <= now.getTime() && candidates.length < MAX_FIRINGS_PER_PASS) {
      candidates.push(due);
      due = timetable.next(due, anchorAt);
    }
    nextDueAt = due;
  }

  const status = (id: string | null) => (id === null ? undefined : input.statuses.get(id));
  let lastUnfinished = UNFINISHED.includes(status(input.lastExecutionId) as ExecutionStatus);
  let last: NonNullable<PlannedFiring['startsAfter']> | null = input.lastExecutionId === null ? null : { execution: input.lastExecutionId };
  let bufferWaiting = status(input.bufferedExecutionId) === 'PENDING';
  const firings: PlannedFiring[] = [];
  let bufferedIndex = -1;
  let skippedOverlap = 0;
  for (const scheduledFor of candidates) {
    if (spec.overlap === 'allow' || !lastUnfinished) {
      firings.push({ scheduledFor, startsAfter: null });
    } else if (spec.overlap === 'bufferOne' && !bufferWaiting) {
      firings.push({ scheduledFor, startsAfter: last });
      bufferedIndex = firings.length - 1;
      bufferWaiting = true;
    } else {
      skippedOverlap++;
      continue;
    }
    lastUnfinished = true;
    last = { firing: firings.length - 1 };
  }
  return { firings, bufferedIndex, skippedOverlap, skippedMissed, nextDueAt };
}

/** Due times in [from, to], both being due times; counted up to MAX_COUNTED. */
function countDue(timetable: Timetable, from: Date, to: Date, anchor: Date): number {
  const interval = timetable.spec.intervalMs;
  if (interval !== null) return Math.floor((to.getTime() - from.getTime()) / interval) + 1;
  let count = 1;
  let due: Date | null = from;
  while (count < MAX_COUNTED) {
    due = timetable.next(due, anchor);
    if (!due || due.getTime() > to.getTime()) break;
    count++;
  }
  return count;
}
