import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../workflows/workflow-validator.js';
import { NodeRegistry } from './node-registry.js';
import { timetableOf } from './schedule.description.js';
import { ScheduleNode } from './schedule.node.js';
import { SetNode } from './set.node.js';

const registry = new NodeRegistry([new ScheduleNode(), new SetNode()]);
const schedule = (parameters: Record<string, unknown>) => ({ id: 's', name: 'Timetable', type: 'schedule', parameters });
const errorsOf = async (parameters: Record<string, unknown>) =>
  (
    await validateWorkflow(
      { nodes: [schedule(parameters), { id: 'n', name: 'Next', type: 'set', parameters: { values: { at: '{{ $trigger.scheduledFor }}' } } }], connections: { Timetable: { main: [[{ node: 'Next', type: 'main', index: 0 }]] } } },
      { registry, ownerId: 'owner', findCredentials: async () => [], findVisibleWorkflows: async () => [] },
    )
  ).errors;

describe('schedule node parameters', () => {
  it.each([
    [{ cron: '0 8 * * 1-5', timezone: 'Europe/Berlin' }],
    [{ cron: '30 0 9 * * MON', timezone: 'America/New_York' }],
    [{ cron: '0 18 L * *' }],
    [{ intervalMs: 1000, startAt: '2027-01-01T00:00:00+01:00', endAt: '2027-01-02T00:00:00Z', overlap: 'bufferOne', catchUp: 'none' }],
  ])('accepts %j as the workflow’s one trigger', async (parameters) => {
    expect(await errorsOf(parameters)).toEqual([]);
  });

  it.each([
    [{ cron: '0 0 30 2 *' }, 'never fires'],
    [{ cron: '* * *' }, 'must have 5 fields'],
    [{ cron: '0 8 * * *', timezone: 'Mars/Olympus' }, 'unknown time zone'],
    [{ intervalMs: 500 }, 'must be at least 1000'],
    [{ cron: '0 8 * * *', intervalMs: 60_000 }, 'got both'],
    [{}, 'got neither'],
    [{ intervalMs: 5000, startAt: '2027-01-02T00:00:00Z', endAt: '2027-01-01T00:00:00Z' }, 'must be after "startAt"'],
    [{ intervalMs: 5000, startAt: 'tomorrow' }, 'must be an ISO-8601 instant'],
    [{ intervalMs: '{{ 5000 }}' }, 'must be a fixed value'],
  ])('refuses %j naming the node and parameter', async (parameters, message) => {
    const errors = await errorsOf(parameters);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^node "Timetable": parameter "/);
    expect(errors[0]).toContain(message);
  });

  it('applies the defaults of docs/nodes.md and stores instants in UTC', () => {
    expect(timetableOf(schedule({ cron: ' 0 8 * * * ', startAt: '2027-01-01T08:00:00+01:00' }))).toEqual({
      cron: '0 8 * * *',
      intervalMs: null,
      timezone: 'UTC',
      overlap: 'skip',
      catchUp: 'latest',
      startAt: '2027-01-01T07:00:00.000Z',
      endAt: null,
    });
  });
});
