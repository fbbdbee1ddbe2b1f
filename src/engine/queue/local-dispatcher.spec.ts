import { Logger } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionLifecycle } from '../../executions/execution-lifecycle.js';
import type { ClaimedExecution, ExecutionsRepository } from '../../executions/executions.repository.js';
import type { ConcurrencyRepository } from '../concurrency/concurrency.repository.js';
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
    // Items here carry no workflow version: no first-call records, no run without a claim.
    firstCallTemplates: async () => undefined,
    abort: (id: string) => this.aborted.push(id),
    abortAll: () => {
      for (const [id, finish] of this.finishers) {
        this.aborted.push(id);
        finish();
      }
    },
  };

  /** The ids of each claim statement, in order. */
  readonly claims: string[][] = [];
  readonly left: string[] = [];

  /** The wake times each claim statement carried. */
  readonly claimWakes: Array<Map<string, Date> | undefined> = [];
  /** While set, claim statements wait for it before they answer: a claim in flight. */
  claimGate: Promise<void> | undefined;

  readonly repository = {
    claimMany: async (ids: string[], _owner: string, _leaseMs: number, wakes?: Map<string, Date>) => {
      this.claims.push(ids);
      this.claimWakes.push(wakes);
      // What the statement finds is decided when it is sent.
      const claimed = ids.filter((id) => !this.gone.has(id)).map((id) => ({ id }) as ClaimedExecution);
      await this.claimGate;
      return claimed;
    },
    renewLeases: async (ids: string[]) => new Set(ids),
    releaseLeases: async (ids: string[]) => void this.released.push(...ids),
  };

  /** Limited executions by `workflowId/key`: PENDING ones in order, and how many RUNNING (as the database would count them). */
  readonly pending = new Map<string, string[]>();
  readonly running = new Map<string, number>();
  limit = 1;

  readonly concurrency = {
    claimNext: async (workflowId: string, key: string) => {
      const slot = `${workflowId}/${key}`;
      const queue = this.pending.get(slot) ?? [];
      if (!queue.length || (this.running.get(slot) ?? 0) >= this.limit) return null;
      this.running.set(slot, (this.running.get(slot) ?? 0) + 1);
      return { id: queue.shift()!, workflowId, concurrencyKey: key } as ClaimedExecution;
    },
  };

  readonly lifecycle = new ExecutionLifecycle();

  readonly dispatcher = new LocalDispatcher(
    this.engine as unknown as ExecutionEngine,
    this.repository as unknown as ExecutionsRepository,
    { concurrency: 2, leaseMs: 30_000, wakeWithinMs: 0, limitedPollMs: 60_000, onLeft: (id) => this.left.push(id) },
    this.concurrency as unknown as ConcurrencyRepository,
    this.lifecycle,
  );

  /** Creates a PENDING limited execution and queues it, as the ingest does. */
  ingestLimited(id: string, key: string): void {
    const slot = `limited/${key}`;
    this.pending.set(slot, [...(this.pending.get(slot) ?? []), id]);
    void this.dispatcher.run({ id, workflowId: 'limited', concurrencyKey: key });
  }

  /** Ends a run; a limited one no longer counts against its key. */
  end(id: string, key?: string): void {
    if (key !== undefined) this.running.set(`limited/${key}`, this.running.get(`limited/${key}`)! - 1);
    this.finish(id);
  }

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

  it('holds no slot for a key at its limit (no head-of-line blocking), and starts its next execution when a run of the key ends', async () => {
    const h = new Harness();
    h.ingestLimited('a-1', 'a');
    h.ingestLimited('a-2', 'a');
    void h.dispatcher.run({ id: 'other-1', workflowId: 'other' });
    await h.settle();
    // a-2's news found key a full and left at once: other-1, queued after it, has the second slot.
    expect(h.started).toEqual(['a-1', 'other-1']);
    h.ingestLimited('b-1', 'b');
    await h.settle();
    expect(h.started).toEqual(['a-1', 'other-1']);
    h.end('other-1');
    await h.settle();
    // Another key starts while a is full.
    expect(h.started).toEqual(['a-1', 'other-1', 'b-1']);
    h.end('a-1', 'a');
    await h.settle();
    expect(h.started).toEqual(['a-1', 'other-1', 'b-1', 'a-2']);
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

  it('wakes an execution suspended until now (a `suspended` event) by a timer, and ignores one that waits for something else', async () => {
    const h = new Harness();
    const waitTill = new Date();
    h.lifecycle.emit('suspended', { id: 'resumed', workflowId: 'w', until: new Date(), waitTill });
    h.lifecycle.emit('suspended', { id: 'on-a-resume-call', workflowId: 'w', until: null, waitTill: null });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await h.settle();
    expect(h.started).toEqual(['resumed']);
  });

  it('claims again an execution a `suspended` event made due while its run was still leaving, instead of losing the wake in that run', async () => {
    const h = new Harness();
    void h.dispatcher.run({ id: 'parent', workflowId: 'w' });
    await h.settle();
    // Parked due at once (a child it waits for had ended), and the wake timer fires before the run has left.
    h.lifecycle.emit('suspended', { id: 'parent', workflowId: 'w', until: new Date(), waitTill: new Date() });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.started).toEqual(['parent']);
    h.finish('parent');
    await h.settle();
    expect(h.started).toEqual(['parent', 'parent']);
    h.finish('parent');
    await h.settle();
    expect(h.dispatcher.has('parent')).toBe(false);
  });

  it('claims again, with the later time, an execution a wake made due while the claim of an earlier wake was in flight', async () => {
    const h = new Harness();
    let open!: () => void;
    h.claimGate = new Promise((resolve) => (open = resolve));
    // The first claim reads the row before a child's end moved its waitTill past the first wake's time.
    h.gone.add('parent');
    const first = new Date(1_000);
    const second = new Date(2_000);
    void h.dispatcher.run({ id: 'parent', workflowId: 'w' }, false, first);
    await h.settle();
    expect(h.claims).toEqual([['parent']]);
    void h.dispatcher.run({ id: 'parent', workflowId: 'w' }, false, second);
    h.gone.delete('parent');
    h.claimGate = undefined;
    open();
    await h.settle();
    expect(h.claims).toEqual([['parent'], ['parent']]);
    expect(h.claimWakes.map((wakes) => wakes?.get('parent'))).toEqual([first, second]);
    expect(h.started).toEqual(['parent']);
  });

  it('claims a waiting entry with the latest of the wakes that came before its claim went out', async () => {
    const h = new Harness();
    void h.dispatcher.run({ id: 'a', workflowId: 'w' });
    void h.dispatcher.run({ id: 'b', workflowId: 'w' });
    void h.dispatcher.run({ id: 'parent', workflowId: 'w' }, false, new Date(1_000));
    void h.dispatcher.run({ id: 'parent', workflowId: 'w' }, false, new Date(2_000));
    await h.settle();
    h.finish('a');
    await h.settle();
    expect(h.claims).toEqual([['a', 'b'], ['parent']]);
    expect(h.claimWakes[1]?.get('parent')).toEqual(new Date(2_000));
    expect(h.started).toEqual(['a', 'b', 'parent']);
  });

  it('claims a batch together in one statement, as far as slots allow, and tells each claim as soon as it is settled', async () => {
    const h = new Harness();
    h.gone.add('gone');
    const told = new Map<string, string>();
    // One queue job's executions, queued together (BullmqExecutionQueue.process).
    const ran = ['a', 'gone', 'b', 'c'].map((id) => h.dispatcher.run({ id, workflowId: 'w' }, false, undefined, (outcome) => told.set(id, outcome)));
    await h.settle();
    // 'gone' took no slot for long: its claim went with a and b's.
    expect(h.claims.slice(0, 1)).toEqual([['a', 'gone']]);
    expect(h.started).toEqual(['a', 'b']);
    expect(Object.fromEntries(told)).toEqual({ a: 'started', gone: 'not-claimable', b: 'started' });
    expect(h.left).toEqual(['gone']);
    // A second job naming a running execution hears at once that it started here.
    let again: string | undefined;
    void h.dispatcher.run({ id: 'a', workflowId: 'w' }, false, undefined, (outcome) => (again = outcome));
    expect(again).toBe('started');
    h.finish('a');
    await h.settle();
    expect(told.get('c')).toBe('started');
    expect(h.left).toEqual(['gone', 'a']);
    h.finish('b');
    h.finish('c');
    await expect(Promise.all(ran)).resolves.toEqual(['ran', 'not-claimable', 'ran', 'ran']);
  });

  it('on drain tells a waiting claim "released", and lists the runs it stopped with their workflows', async () => {
    const h = new Harness();
    void h.dispatcher.run({ id: 'one', workflowId: 'w1' });
    void h.dispatcher.run({ id: 'two', workflowId: 'w2' });
    let told: string | undefined;
    void h.dispatcher.run({ id: 'three', workflowId: 'w' }, false, undefined, (outcome) => (told = outcome));
    await h.settle();
    expect(told).toBeUndefined();
    await h.dispatcher.drain(Date.now() + 20);
    expect(told).toBe('released');
    expect(h.dispatcher.releasedItems).toEqual([
      { id: 'one', workflowId: 'w1' },
      { id: 'two', workflowId: 'w2' },
    ]);
  });

  it('on drain hands back what waits, and stops and releases what still runs at the deadline', async () => {
    const h = new Harness();
    const running = h.dispatcher.run({ id: 'running', workflowId: 'w' });
    await h.settle();
    const waiting = h.dispatcher.run({ id: 'other', workflowId: 'w2' });
    const next = h.dispatcher.run({ id: 'next', workflowId: 'w' });
    const queued = h.dispatcher.run({ id: 'queued', workflowId: 'w' });
    await h.settle();
    h.finish('other');
    await h.settle();
    await h.dispatcher.drain(Date.now() + 50);
    await expect(queued).resolves.toBe('released');
    await expect(waiting).resolves.toBe('ran');
    await expect(next).resolves.toBe('released');
    expect(h.aborted).toEqual(['running', 'next']);
    expect(h.released).toEqual(['running', 'next']);
    await expect(running).resolves.toBe('released');
    await expect(h.dispatcher.run({ id: 'late', workflowId: 'w' })).resolves.toBe('released');
  });
});
