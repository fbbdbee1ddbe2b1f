import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClaimedExecution, ExecutionsRepository } from '../../executions/executions.repository.js';
import type { ExecutionEngine } from '../execution-engine.js';
import { LocalDispatcher } from './local-dispatcher.js';

/**
 * The dispatcher's scheduling with an engine whose runs end when the test says so, and a
 * repository that claims whatever is asked for unless told it is gone. Only what the dispatcher
 * calls is there: this is about order, fairness and limits, not SQL (the e2e suites cover that).
 */
class Harness {
  readonly started: string[] = [];
  private readonly finishers = new Map<string, () => void>();
  readonly gone = new Set<string>();
  readonly released: string[] = [];
  readonly aborted: string[] = [];

  readonly engine = {
    workerId: 'worker-1',
    onSuspended: undefined as unknown,
    leasedIds: [] as string[],
    executeWorkflow: (claimed: ClaimedExecution) =>
      new Promise<void>((resolve) => {
        this.started.push(claimed.id);
        this.engine.leasedIds.push(claimed.id);
        this.finishers.set(claimed.id, () => {
          this.engine.leasedIds.splice(this.engine.leasedIds.indexOf(claimed.id), 1);
          resolve();
        });
      }),
    abort: (id: string) => this.aborted.push(id),
    abortAll: () => {
      for (const [id, finish] of this.finishers) {
        this.aborted.push(id);
        finish();
      }
    },
  };

  readonly repository = {
    claimMany: async (ids: string[]) => ids.filter((id) => !this.gone.has(id)).map((id) => ({ id }) as ClaimedExecution),
    renewLeases: async (ids: string[]) => new Set(ids),
    releaseLeases: async (ids: string[]) => void this.released.push(...ids),
  };

  readonly dispatcher = new LocalDispatcher(this.engine as unknown as ExecutionEngine, this.repository as unknown as ExecutionsRepository, { concurrency: 2, leaseMs: 30_000, wakeWithinMs: 0 });

  finish(id: string): void {
    this.finishers.get(id)!();
    this.finishers.delete(id);
  }

  /** Lets claims (batched on the next tick) and the runs they start happen. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('LocalDispatcher', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs at most `concurrency` executions at once, in arrival order', async () => {
    const h = new Harness();
    const outcomes = ['a', 'b', 'c', 'd'].map((id) => h.dispatcher.run({ id, workflowId: 'w' }));
    await h.settle();
    expect(h.started).toEqual(['a', 'b']);
    expect(h.dispatcher.depth).toBe(2);
    h.finish('a');
    await h.settle();
    expect(h.started).toEqual(['a', 'b', 'c']);
    h.finish('b');
    h.finish('c');
    await h.settle();
    h.finish('d');
    await expect(Promise.all(outcomes)).resolves.toEqual(['ran', 'ran', 'ran', 'ran']);
  });

  it("holds a workflow at its limit without delaying other workflows (no head-of-line blocking)", async () => {
    const h = new Harness();
    void h.dispatcher.run({ id: 'limited-1', workflowId: 'limited', concurrency: 1 });
    void h.dispatcher.run({ id: 'limited-2', workflowId: 'limited', concurrency: 1 });
    void h.dispatcher.run({ id: 'other-1', workflowId: 'other' });
    await h.settle();
    // limited-2 waits behind its workflow's limit; other-1, queued after it, runs anyway.
    expect(h.started).toEqual(['limited-1', 'other-1']);
    expect(h.dispatcher.isAtLimit('limited')).toBe(true);
    h.finish('limited-1');
    await h.settle();
    expect(h.started).toEqual(['limited-1', 'other-1', 'limited-2']);
  });

  it('gives a slot for an execution inserted already claimed only while one is free and nothing waits', async () => {
    const h = new Harness();
    const slot = h.dispatcher.reserveRun()!;
    expect(slot).toMatchObject({ owner: 'worker-1', leaseMs: 30_000 });
    // Its insert found a duplicate: the slot goes back.
    slot.release();
    const kept = h.dispatcher.reserveRun()!;
    kept.run({ id: 'inserted', workflowId: 'w' } as ClaimedExecution);
    await h.settle();
    expect(h.started).toEqual(['inserted']);
    // One slot left: queued work takes it, and then nothing is free.
    void h.dispatcher.run({ id: 'queued-1', workflowId: 'w' });
    void h.dispatcher.run({ id: 'queued-2', workflowId: 'w' });
    await h.settle();
    expect(h.started).toEqual(['inserted', 'queued-1']);
    expect(h.dispatcher.reserveRun()).toBeUndefined();
    // A slot frees up while queued-2 waits: it goes to queued-2, not to a fresh arrival.
    h.finish('inserted');
    expect(h.dispatcher.reserveRun()).toBeUndefined();
    await h.settle();
    expect(h.started).toEqual(['inserted', 'queued-1', 'queued-2']);
  });

  it('puts recovered work (`first`) ahead of what is already waiting', async () => {
    const h = new Harness();
    void h.dispatcher.run({ id: 'busy-1', workflowId: 'w' });
    void h.dispatcher.run({ id: 'busy-2', workflowId: 'w' });
    void h.dispatcher.run({ id: 'fresh', workflowId: 'w' });
    h.dispatcher.submit([{ id: 'old-1', workflowId: 'w' }, { id: 'old-2', workflowId: 'w' }], { first: true });
    await h.settle();
    h.finish('busy-1');
    h.finish('busy-2');
    await h.settle();
    expect(h.started.slice(2)).toEqual(['old-1', 'old-2']);
  });

  it('joins a second submission of the same execution to the first instead of running it twice', async () => {
    const h = new Harness();
    const first = h.dispatcher.run({ id: 'x', workflowId: 'w' });
    const second = h.dispatcher.run({ id: 'x', workflowId: 'w' });
    await h.settle();
    h.finish('x');
    await expect(Promise.all([first, second])).resolves.toEqual(['ran', 'ran']);
    expect(h.started).toEqual(['x']);
  });

  it('says "not-claimable" for an execution another worker holds or that has ended, and frees its slot', async () => {
    const h = new Harness();
    h.gone.add('taken');
    const taken = h.dispatcher.run({ id: 'taken', workflowId: 'w' });
    await expect(taken).resolves.toBe('not-claimable');
    void h.dispatcher.run({ id: 'next', workflowId: 'w' });
    await h.settle();
    expect(h.started).toEqual(['next']);
  });

  it('on drain hands back what waits, and stops and releases what still runs at the deadline', async () => {
    const h = new Harness();
    const running = h.dispatcher.run({ id: 'running', workflowId: 'w' });
    await h.settle();
    const waiting = h.dispatcher.run({ id: 'other', workflowId: 'w2' });
    const queued = h.dispatcher.run({ id: 'queued', workflowId: 'w', concurrency: 1 });
    await h.settle();
    h.finish('other');
    await h.settle();
    await h.dispatcher.drain(Date.now() + 50);
    await expect(queued).resolves.toBe('released');
    await expect(waiting).resolves.toBe('ran');
    expect(h.aborted).toEqual(['running']);
    expect(h.released).toEqual(['running']);
    await expect(running).resolves.toBe('released');
    await expect(h.dispatcher.run({ id: 'late', workflowId: 'w' })).resolves.toBe('released');
  });
});
