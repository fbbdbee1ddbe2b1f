import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { dataSourceOptions } from './data-source-options.js';

/**
 * The pg pool is configured through public options only (no reaching into TypeORM's driver): a
 * connection lost at rest is reported, and a client's 'error' is always handled.
 */
describe('dataSourceOptions', () => {
  it("hands the pool's 'error' events to the given handler (TypeORM's poolErrorHandler)", () => {
    const lost = vi.fn();
    const options = dataSourceOptions('postgres://localhost/x', 2, lost) as { poolErrorHandler?: (error: Error) => void };
    options.poolErrorHandler?.(new Error('terminating connection due to administrator command'));
    expect(lost).toHaveBeenCalledWith(expect.objectContaining({ message: 'terminating connection due to administrator command' }));
  });

  it("gives every new client an 'error' listener (pg-pool's onConnect), so a server restart between its queries cannot end the process", async () => {
    const { extra } = dataSourceOptions('postgres://localhost/x', 2) as { extra: { onConnect: (client: EventEmitter) => unknown } };
    const client = new EventEmitter();
    // An EventEmitter throws an 'error' nobody listens to.
    expect(() => client.emit('error', new Error('boom'))).toThrow('boom');
    await extra.onConnect(client);
    expect(() => client.emit('error', new Error('terminating connection due to administrator command'))).not.toThrow();
  });
});
