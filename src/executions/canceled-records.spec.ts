import { describe, expect, it } from 'vitest';
import { CANCELED_NODE_ERROR, canceledRecords } from './canceled-records.js';
import type { NodeExecution } from './execution.types.js';

const record = (nodeName: string, status: NodeExecution['status'], startedAt: string | null = '2026-01-01T00:00:00.000Z'): NodeExecution => ({
  nodeId: nodeName,
  nodeName,
  nodeType: 'set',
  status,
  input: null,
  output: status === 'SUCCESS' ? { ok: true } : null,
  error: null,
  attempts: 1,
  branch: null,
  startedAt,
  completedAt: status === 'RUNNING' ? null : startedAt,
  executionTime: status === 'RUNNING' ? null : 0,
});

describe('canceledRecords', () => {
  const nodes = ['A', 'B', 'C', 'D'].map((name) => ({ id: name.toLowerCase(), name, type: 'set' }));

  it('ends the running node FAILED with the reason and records the nodes that never ran SKIPPED', () => {
    const now = new Date('2026-01-01T00:00:05.000Z');
    const out = canceledRecords([record('A', 'SUCCESS'), record('B', 'RUNNING')], nodes, now);
    expect(out.map((r) => [r.nodeName, r.status])).toEqual([
      ['A', 'SUCCESS'],
      ['B', 'FAILED'],
      ['C', 'SKIPPED'],
      ['D', 'SKIPPED'],
    ]);
    expect(out[1]).toMatchObject({ error: CANCELED_NODE_ERROR, completedAt: now.toISOString(), executionTime: 5000 });
    expect(out[0]).toEqual(record('A', 'SUCCESS'));
  });

  it('records every node SKIPPED for an execution canceled before it ran', () => {
    expect(canceledRecords([], nodes, new Date()).every((r) => r.status === 'SKIPPED')).toBe(true);
  });
});
