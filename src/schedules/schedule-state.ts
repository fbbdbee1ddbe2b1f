import { timetableOf } from '../nodes/schedule.description.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';
import type { ScheduleRow, SchedulesRepository } from './schedules.repository.js';
import { Timetable, type TimetableSpec } from './timetable.js';

/** docs/schedules.md `GET /workflows/:id/schedule`. */
export interface ScheduleView {
  next: string[];
  lastScheduledFor: string | null;
  lastExecutionId: string | null;
  skipped: number;
}

interface WorkflowState {
  id: string;
  active: boolean;
  nodes: readonly WorkflowNode[];
}

export const scheduleTrigger = (nodes: readonly WorkflowNode[]): WorkflowNode | undefined => nodes.find((node) => node.type === 'schedule');

const FIELDS: ReadonlyArray<keyof TimetableSpec> = ['cron', 'intervalMs', 'timezone', 'overlap', 'catchUp', 'startAt', 'endAt'];
/** Field by field: jsonb hands keys back in its own order. */
const sameTimetable = (a: TimetableSpec, b: TimetableSpec): boolean => FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));

/**
 * Brings a workflow's schedule row in line with the workflow as just written, inside the
 * transaction that wrote it (so no replica ever fires from a timetable or activation state the
 * workflow no longer has). `activated`: the workflow became active with this change.
 *
 * - No schedule trigger (any more): the row goes.
 * - Inactive: no next due time; the timetable is kept for GET /workflows/:id/schedule.
 * - Activated, or the timetable changed: counting starts from now (docs/schedules.md: time spent inactive
 *   is not a miss; an intervalMs timetable without startAt counts from here); a changed timetable
 *   also resets `skipped`.
 * - Otherwise (a rename, an edit of other nodes): the firing position stays as it is.
 */
export async function syncSchedule(schedules: SchedulesRepository, workflow: WorkflowState, activated: boolean): Promise<void> {
  const trigger = scheduleTrigger(workflow.nodes);
  if (!trigger) {
    await schedules.delete(workflow.id);
    return;
  }
  const spec = timetableOf(trigger);
  const existing = await schedules.find(workflow.id, true);
  const changed = !existing || !sameTimetable(existing.timetable, spec);
  const now = await schedules.now();
  if (!workflow.active) {
    await schedules.upsert(workflow.id, spec, existing?.anchorAt ?? now, null, changed);
  } else if (changed || activated) {
    await schedules.upsert(workflow.id, spec, now, new Timetable(spec).next(now, now), changed);
  }
}

/** What GET /workflows/:id/schedule answers; null for a workflow without a schedule trigger. */
export function describeSchedule(workflow: WorkflowState, row: ScheduleRow | null, now = new Date()): ScheduleView | null {
  const trigger = scheduleTrigger(workflow.nodes);
  if (!trigger) return null;
  const timetable = new Timetable(row?.timetable ?? timetableOf(trigger));
  // Listed even while inactive: as they would come if it were activated now.
  const next =
    workflow.active && row?.nextDueAt
      ? [new Date(row.nextDueAt), ...timetable.upcoming(new Date(row.nextDueAt), new Date(row.anchorAt), 4)]
      : timetable.upcoming(now, workflow.active && row ? new Date(row.anchorAt) : now, 5);
  return {
    next: next.map((date) => date.toISOString()),
    lastScheduledFor: row?.lastScheduledFor ? new Date(row.lastScheduledFor).toISOString() : null,
    lastExecutionId: row?.lastExecutionId ?? null,
    skipped: row?.skipped ?? 0,
  };
}
