import { describe, expect, it } from 'vitest';
import type { ExecutionStatus } from '../executions/execution.types.js';
import { planFirings, type PlanInput } from './firing-plan.js';
import { Timetable, type TimetableSpec } from './timetable.js';

const everyMinute = (fields: Partial<TimetableSpec> = {}) =>
  new Timetable({ cron: '* * * * *', intervalMs: null, timezone: 'UTC', overlap: 'skip', catchUp: 'latest', startAt: null, endAt: null, ...fields });

const input = (fields: Partial<PlanInput>): PlanInput => ({
  timetable: everyMinute(),
  nextDueAt: new Date('2026-05-01T10:00:00Z'),
  anchorAt: new Date('2026-05-01T09:00:00Z'),
  lastExecutionId: null,
  bufferedExecutionId: null,
  statuses: new Map(),
  now: new Date('2026-05-01T10:00:00.200Z'),
  missedAfterMs: 10_000,
  ...fields,
});
const times = (plan: ReturnType<typeof planFirings>) => plan.firings.map((firing) => firing.scheduledFor.toISOString());

describe('planFirings', () => {
  it('fires a due time and moves to the next', () => {
    const plan = planFirings(input({}));
    expect(times(plan)).toEqual(['2026-05-01T10:00:00.000Z']);
    expect(plan.nextDueAt?.toISOString()).toBe('2026-05-01T10:01:00.000Z');
  });

  it('fires each of several due times seen late but within missedAfterMs (a stalled replica, not downtime)', () => {
    const plan = planFirings(input({ timetable: everyMinute({ cron: '* * * * * *', overlap: 'allow' }), now: new Date('2026-05-01T10:00:03.500Z') }));
    expect(times(plan)).toEqual(['2026-05-01T10:00:00.000Z', '2026-05-01T10:00:01.000Z', '2026-05-01T10:00:02.000Z', '2026-05-01T10:00:03.000Z']);
    expect(plan.skippedMissed).toBe(0);
  });

  it('catchUp latest: after downtime, one firing for the most recent missed time; the rest are skipped', () => {
    const plan = planFirings(input({ now: new Date('2026-05-01T10:02:30Z') }));
    expect(times(plan)).toEqual(['2026-05-01T10:02:00.000Z']);
    expect(plan.skippedMissed).toBe(2);
    expect(plan.nextDueAt?.toISOString()).toBe('2026-05-01T10:03:00.000Z');
  });

  it('catchUp latest: nothing older than 24 h', () => {
    const plan = planFirings(input({ timetable: everyMinute({ cron: '0 10 * * *' }), now: new Date('2026-05-03T11:00:00Z') }));
    expect(times(plan)).toEqual(['2026-05-03T10:00:00.000Z']);
    const stale = planFirings(input({ timetable: everyMinute({ cron: '0 10 1 5 *' }), now: new Date('2026-05-03T11:00:00Z') }));
    expect(times(stale)).toEqual([]);
    expect(stale.skippedMissed).toBe(1);
  });

  it('catchUp none: missed times are skipped', () => {
    const plan = planFirings(input({ timetable: everyMinute({ catchUp: 'none' }), now: new Date('2026-05-01T10:02:30Z') }));
    expect(times(plan)).toEqual([]);
    expect(plan.skippedMissed).toBe(3);
  });

  const running = (status: ExecutionStatus) => ({ lastExecutionId: 'e1', statuses: new Map<string, ExecutionStatus>([['e1', status]]) });

  it('overlap skip: no firing while the last one is PENDING, RUNNING or WAITING', () => {
    for (const status of ['PENDING', 'RUNNING', 'WAITING'] as const) {
      const plan = planFirings(input(running(status)));
      expect(times(plan)).toEqual([]);
      expect(plan.skippedOverlap).toBe(1);
    }
    expect(times(planFirings(input(running('COMPLETED'))))).toHaveLength(1);
  });

  it('overlap allow: fires anyway', () => {
    expect(times(planFirings(input({ ...running('RUNNING'), timetable: everyMinute({ overlap: 'allow' }) })))).toHaveLength(1);
  });

  it('overlap bufferOne: one firing waits for the running one, later ones are skipped', () => {
    const seconds = everyMinute({ cron: '* * * * * *', overlap: 'bufferOne' });
    const plan = planFirings(input({ ...running('RUNNING'), timetable: seconds, now: new Date('2026-05-01T10:00:01.500Z') }));
    expect(plan.firings).toEqual([{ scheduledFor: new Date('2026-05-01T10:00:00Z'), startsAfter: { execution: 'e1' } }]);
    expect(plan.bufferedIndex).toBe(0);
    expect(plan.skippedOverlap).toBe(1);
    const waiting = planFirings(input({ lastExecutionId: 'b', bufferedExecutionId: 'b', statuses: new Map([['b', 'PENDING']]), timetable: seconds }));
    expect(times(waiting)).toEqual([]);
    expect(waiting.skippedOverlap).toBe(1);
  });
});
