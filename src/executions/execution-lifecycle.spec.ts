import { describe, expect, it } from 'vitest';
import { ExecutionLifecycle } from './execution-lifecycle.js';

describe('ExecutionLifecycle', () => {
  it('types each event: a listener receives the payload of its kind', () => {
    const lifecycle = new ExecutionLifecycle();
    const heard: string[] = [];
    lifecycle.on('finished', ({ execution, status, durationMs }) => heard.push(`${execution.id} ${status} ${durationMs}`));
    lifecycle.on('suspended', ({ id, until }) => heard.push(`${id} until ${until?.toISOString()}`));
    lifecycle.emit('finished', { execution: { id: 'e1', workflowId: 'w', mode: 'webhook' }, status: 'FAILED', output: null, error: 'x', durationMs: 12, insertedFinished: false });
    lifecycle.emit('suspended', { id: 'e2', workflowId: 'w', until: new Date(0), waitTill: new Date(0) });
    // @ts-expect-error a payload of the wrong kind does not compile
    lifecycle.emit('canceled', { execution: 'e3' });
    expect(heard).toEqual(['e1 FAILED 12', 'e2 until 1970-01-01T00:00:00.000Z']);
  });
});
