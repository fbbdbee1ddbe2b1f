import { Logger } from '@nestjs/common';
import { describe, expect, it, vi } from 'vitest';
import { TypedBus } from './typed-bus.js';

interface Events {
  ping: { n: number };
  pong: string;
}

/** A logger whose error lines the test reads. */
function recordingLogger(): { logger: Logger; errors: unknown[] } {
  const errors: unknown[] = [];
  const logger = new Logger('test');
  vi.spyOn(logger, 'error').mockImplementation((message: unknown) => void errors.push(message));
  return { logger, errors };
}

describe('TypedBus', () => {
  it('delivers each payload to the listeners of its kind only, synchronously', () => {
    const bus = new TypedBus<Events>();
    const pings: number[] = [];
    const pongs: string[] = [];
    bus.on('ping', ({ n }) => pings.push(n));
    bus.on('pong', (text) => pongs.push(text));
    bus.emit('ping', { n: 1 });
    // Delivered before emit returns.
    expect(pings).toEqual([1]);
    bus.emit('pong', 'a');
    expect(pings).toEqual([1]);
    expect(pongs).toEqual(['a']);
    // A kind nobody listens to is a no-op.
    expect(() => new TypedBus<Events>().emit('ping', { n: 2 })).not.toThrow();
  });

  it('calls listeners in the order they subscribed, and the same payload object to each', () => {
    const bus = new TypedBus<Events>();
    const calls: Array<[string, unknown]> = [];
    bus.on('ping', (event) => calls.push(['first', event]));
    bus.on('ping', (event) => calls.push(['second', event]));
    bus.on('ping', (event) => calls.push(['third', event]));
    const payload = { n: 7 };
    bus.emit('ping', payload);
    expect(calls.map(([name]) => name)).toEqual(['first', 'second', 'third']);
    for (const [, event] of calls) expect(event).toBe(payload);
  });

  it('unsubscribes, and a change made during an emit takes effect from the next one', () => {
    const bus = new TypedBus<Events>();
    const seen: string[] = [];
    let offLate: (() => void) | undefined;
    const offA = bus.on('ping', () => {
      seen.push('a');
      offLate = bus.on('ping', () => seen.push('late'));
    });
    bus.on('ping', () => seen.push('b'));
    bus.emit('ping', { n: 1 });
    expect(seen).toEqual(['a', 'b']);
    offA();
    offLate!();
    seen.length = 0;
    bus.emit('ping', { n: 2 });
    expect(seen).toEqual(['b']);
    expect(bus.has('ping')).toBe(true);
    expect(bus.has('pong')).toBe(false);
  });

  it('a listener that throws breaks neither the others nor the emitter, and is logged at error level once per kind', () => {
    const { logger, errors } = recordingLogger();
    const bus = new TypedBus<Events>(logger);
    const after: number[] = [];
    bus.on('ping', () => {
      throw new Error('broken listener');
    });
    bus.on('ping', ({ n }) => after.push(n));
    bus.on('pong', () => {
      throw new Error('another');
    });
    expect(() => bus.emit('ping', { n: 1 })).not.toThrow();
    bus.emit('ping', { n: 2 });
    bus.emit('ping', { n: 3 });
    bus.emit('pong', 'x');
    expect(after).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ event: 'ping', msg: expect.stringContaining('broken listener') });
    expect((errors[0] as { err: unknown }).err).toBeInstanceOf(Error);
    expect(errors[1]).toMatchObject({ event: 'pong', msg: expect.stringContaining('another') });
    expect(bus.failures.get('ping')).toBe(3);
  });

  it('reports a listener whose promise rejects like one that throws', async () => {
    const { logger, errors } = recordingLogger();
    const bus = new TypedBus<Events>(logger);
    bus.on('pong', async () => {
      throw new Error('async failure');
    });
    bus.emit('pong', 'x');
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([expect.objectContaining({ event: 'pong', msg: expect.stringContaining('async failure') })]);
  });
});
