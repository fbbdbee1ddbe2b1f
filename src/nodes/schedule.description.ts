import { Cron } from 'croner';
import { CATCH_UP_POLICIES, isKnownTimezone, MIN_INTERVAL_MS, OVERLAP_POLICIES, type TimetableSpec } from '../schedules/timetable.js';
import { isExpression } from './parameter-schema.js';
import { oneOutput, type NodeTypeDescription } from './node-executor.js';
import type { WorkflowNode } from '../workflows/workflow.types.js';

/** The longest interval worth writing down (a year); a longer one is a typo. */
const MAX_INTERVAL_MS = 366 * 24 * 3600 * 1000;
const STATIC = ['cron', 'intervalMs', 'timezone', 'overlap', 'catchUp', 'startAt', 'endAt'] as const;

export const scheduleDescription: NodeTypeDescription = {
  type: 'schedule',
  displayName: 'Schedule trigger',
  parameters: {
    type: 'object',
    properties: {
      cron: {
        type: 'string',
        maxLength: 200,
        description:
          'Cron expression of 5 fields (`min hour day month weekday`) or 6 (`sec min hour day month weekday`, seconds first), read in `timezone`. ' +
          'A local time that a daylight-saving change skips does not fire that day; one that it repeats fires once, at its first occurrence. Give `cron` or `intervalMs`, not both.',
      },
      intervalMs: { type: 'number', integer: true, min: MIN_INTERVAL_MS, max: MAX_INTERVAL_MS, description: 'Fire every this many milliseconds (at least 1000), counted from `startAt`, else from the activation. Give `cron` or `intervalMs`, not both.' },
      timezone: { type: 'string', maxLength: 64, description: 'IANA time zone the cron expression is read in, e.g. `Europe/Berlin` (default `UTC`).' },
      overlap: {
        type: 'string',
        enum: OVERLAP_POLICIES,
        description: 'While an earlier firing is still PENDING, RUNNING or WAITING: `skip` (default) the due time and count it as skipped; `allow` fire anyway; `bufferOne` let one firing wait PENDING for the running one, skipping later ones.',
      },
      catchUp: {
        type: 'string',
        enum: CATCH_UP_POLICIES,
        description: 'Due times missed while no replica ran: `latest` (default) fires once for the most recent one if it is less than 24 h old; `none` skips them. Time spent inactive is never a miss.',
      },
      startAt: { type: 'string', maxLength: 40, description: 'ISO-8601 instant with a time zone offset (e.g. `2027-01-01T08:00:00+01:00`): no due time before it (inclusive).' },
      endAt: { type: 'string', maxLength: 40, description: 'ISO-8601 instant with a time zone offset: no due time at or after it (exclusive).' },
    },
  },
  credentials: { types: [], required: false },
  outputs: oneOutput,
  sideEffects: false,
  instant: true,
  validate: (node) => timetableProblems(node),
  docs: {
    summary:
      'Starts the workflow on a timetable instead of a webhook (exactly one trigger node per workflow, and no webhook may be attached): each due time fires exactly once across replicas while the workflow is active (docs/schedules.md).',
    output: '`{ scheduledFor, firedAt, timezone }`: the due time, when the firing was created, and the time zone of the timetable (a manual run gets the time of the run)',
    example: { name: 'Every morning', parameters: { cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', overlap: 'skip', catchUp: 'latest' } },
  },
};

/** ISO-8601 with an explicit offset: a bare local time would depend on the server's zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Cross-field rules of docs/schedules.md; each message names the parameter. The schema ran first. */
function timetableProblems(node: WorkflowNode): string[] {
  const p = node.parameters;
  const errors: string[] = [];
  for (const key of STATIC) if (isExpression(p[key])) errors.push(`parameter "${key}" must be a fixed value: a timetable cannot depend on an expression`);
  if (errors.length) return errors;
  const hasCron = p.cron !== undefined;
  const hasInterval = p.intervalMs !== undefined;
  if (hasCron === hasInterval) return [`parameter "cron" or "intervalMs": give exactly one of them, got ${hasCron ? 'both' : 'neither'}`];
  const timezone = (p.timezone as string | undefined) ?? 'UTC';
  if (!isKnownTimezone(timezone)) errors.push(`parameter "timezone": unknown time zone "${timezone}" (use an IANA name such as "Europe/Berlin")`);
  for (const key of ['startAt', 'endAt'] as const) {
    const value = p[key];
    if (value !== undefined && (!ISO_INSTANT.test(value as string) || Number.isNaN(Date.parse(value as string)))) {
      errors.push(`parameter "${key}" must be an ISO-8601 instant with a time zone offset, e.g. "2027-01-01T08:00:00Z", got "${value}"`);
    }
  }
  if (!errors.length && p.startAt !== undefined && p.endAt !== undefined && Date.parse(p.endAt as string) <= Date.parse(p.startAt as string)) {
    errors.push('parameter "endAt" must be after "startAt"');
  }
  if (hasCron && !errors.length) errors.push(...cronProblems(p.cron as string, timezone));
  return errors;
}

function cronProblems(expression: string, timezone: string): string[] {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return [`parameter "cron" must have 5 fields (min hour day month weekday) or 6 (sec min hour day month weekday), got ${fields}: "${expression}"`];
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone, mode: '5-or-6-parts', paused: true });
  } catch (error) {
    return [`parameter "cron": ${(error as Error).message.replace(/^CronPattern: /, '')}`];
  }
  // croner looks years ahead; nothing there means a date that does not exist, such as 30 February.
  if (!cron.nextRun()) return [`parameter "cron": "${expression}" never fires (a date that does not exist, such as 30 February?)`];
  return [];
}

/** The timetable of a validated schedule node, defaults applied. */
export function timetableOf(node: WorkflowNode): TimetableSpec {
  const p = node.parameters;
  return {
    cron: (p.cron as string | undefined)?.trim() ?? null,
    intervalMs: (p.intervalMs as number | undefined) ?? null,
    timezone: (p.timezone as string | undefined) ?? 'UTC',
    overlap: (p.overlap as TimetableSpec['overlap'] | undefined) ?? 'skip',
    catchUp: (p.catchUp as TimetableSpec['catchUp'] | undefined) ?? 'latest',
    startAt: p.startAt === undefined ? null : new Date(p.startAt as string).toISOString(),
    endAt: p.endAt === undefined ? null : new Date(p.endAt as string).toISOString(),
  };
}
