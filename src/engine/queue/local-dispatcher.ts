import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Batcher } from '../../common/batcher.js';
import type { ClaimedExecution, ExecutionsRepository } from '../../executions/executions.repository.js';
import type { ExecutionLifecycle } from '../../executions/execution-lifecycle.js';
import type { ExecutionEngine } from '../execution-engine.js';
import { LEASE_LOST, SHUTDOWN } from '../execution-engine.js';
import { WaitingLine } from './waiting-line.js';
import type { QueuedExecution, RunSlot } from '../execution-queue.js';
import type { ConcurrencyRepository } from '../concurrency/concurrency.repository.js';
import { LimitedClaims } from '../concurrency/limited-claims.js';

/**
 * How one queued item ended here: it ran (to a final state, a wait, or a lost lease), it was not
 * claimable (finished, canceled, or another worker holds it), its claim failed (database down), or
 * it was handed back unfinished on shutdown.
 */
export type DispatchOutcome = 'ran' | 'not-claimable' | 'claim-failed' | 'released';

/**
 * How a queued item's claim ended, told as soon as it is known (LocalDispatcher.run's `onClaim`):
 * its run started here, it was not claimable, its claim failed, or it left unclaimed (shutdown).
 */
export type ClaimOutcome = 'started' | 'not-claimable' | 'claim-failed' | 'released';

interface Entry {
  item: QueuedExecution;
  settle: Array<(outcome: DispatchOutcome) => void>;
  /** Told once the claim is settled; emptied then (`started` is set from that moment). */
  onClaim: Array<(outcome: ClaimOutcome) => void>;
  started?: boolean;
  /** Set once it has left the waiting line: its claim is on its way, or it runs. */
  dispatched?: boolean;
  /** Set when a wake timer queued it: the `waitTill` that timer was armed for (ExecutionsRepository.claimMany). */
  due?: Date;
  /**
   * The latest wake that came after its claim had gone out, to be claimed once it has left: the
   * run may have parked it WAITING again (due at once: a child it waits for had ended), or the
   * claim may have read the row before a child's end moved its `waitTill` past the claim's `due`.
   */
  wakeAfter?: Date;
}

/** A WAITING execution that is due at `waitTill` (the database's clock), in `dueInMs` from now. */
export interface WaitDue {
  id: string;
  workflowId: string;
  waitTill: Date;
  dueInMs: number;
}

export interface DispatcherOptions {
  concurrency: number;
  leaseMs: number;
  /** A wait due sooner than this is woken by a timer here; later ones by the sweep. */
  wakeWithinMs: number;
  /** How often limited executions nobody started are looked for (LimitedClaims). */
  limitedPollMs: number;
  /** Told when an execution leaves this process (its run ended, or it was never claimed here). */
  onLeft?: (id: string) => void;
}

/**
 * Runs executions in this process: claims them in batches (one statement for many) at most
 * `concurrency` at once (the rest wait here, still PENDING in the database), renews the leases of
 * what runs, and on shutdown lets runs finish within the grace period and hands the rest back. Both
 * queue implementations feed it. Executions with a concurrency limit are claimed under their limit,
 * which holds database-wide (LimitedClaims).
 */
export class LocalDispatcher {
  private readonly logger = new Logger('ExecutionQueue');
  private readonly waiting = new WaitingLine<Entry>();
  private readonly known = new Map<string, Entry>();
  private readonly wakeTimers = new Map<string, NodeJS.Timeout>();
  private readonly claims: Batcher<{ id: string; due?: Date; workflowId: string; workflowVersion?: number }, ClaimedExecution | null>;
  /** Reads of fresh executions of pure workflows, which run without a claim (ranUnclaimed). */
  private readonly unclaimed: Batcher<string, ClaimedExecution | null>;
  private reserved = 0;
  private stopped = false;
  /** Runs stopped at shutdown, and the write that hands their leases back. */
  private readonly released = new Set<string>();
  /** The workflow of each released run, kept for releasedItems. */
  private readonly workflowOf = new Map<string, string>();
  private releasing: Promise<void> = Promise.resolve();
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly limited: LimitedClaims;

  constructor(
    private readonly engine: ExecutionEngine,
    private readonly executions: ExecutionsRepository,
    private readonly options: DispatcherOptions,
    concurrency: ConcurrencyRepository,
    lifecycle: ExecutionLifecycle,
  ) {
    this.limited = new LimitedClaims(concurrency, engine.workerId, options.leaseMs);
    // Claims arriving together (a burst of jobs, a sweep) share one UPDATE, which also stores the
    // records a fresh run commits before its first outside call (ExecutionEngine.firstCallTemplates).
    this.claims = new Batcher(async (items) => {
      const ids = items.map((item) => item.id);
      const wakes = new Map(items.flatMap((item) => (item.due ? [[item.id, item.due] as const] : [])));
      const firstCalls = await this.engine.firstCallTemplates(items);
      const claimed = await this.executions.claimMany(ids, this.engine.workerId, this.options.leaseMs, wakes, firstCalls);
      const byId = new Map(claimed.map((execution) => [execution.id, execution]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.unclaimed = new Batcher(async (ids) => {
      const byId = new Map((await this.executions.findUnclaimed(ids)).map((execution) => [execution.id, execution]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    // A WAITING execution due soon is woken by a timer here (wakeAt).
    lifecycle.on('suspended', ({ id, workflowId, until, waitTill }) => {
      if (until && waitTill) this.wakeAt(id, workflowId, until.getTime(), waitTill);
    });
  }

  start(): void {
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(250, Math.floor(this.options.leaseMs / 3)));
    this.leaseTimer.unref();
    this.limited.startPolling(this.options.limitedPollMs, (items) => this.submit(items));
  }

  /** Items waiting here for a free slot. */
  get depth(): number {
    return this.waiting.length;
  }

  /**
   * Runs stopped and handed back at shutdown (drain), as items to queue again: RUNNING with their
   * leases released, so claimable at once (without their concurrency keys: LimitedClaims only takes
   * PENDING ones).
   */
  get releasedItems(): QueuedExecution[] {
    return [...this.released].map((id) => ({ id, workflowId: this.workflowOf.get(id) ?? '' }));
  }

  /** True while this process runs (or holds) the execution. */
  has(id: string): boolean {
    return this.known.has(id);
  }

  /**
   * Queues items without waiting for them. `first`: ahead of everything waiting — for what the
   * sweep recovered, which is older than any fresh arrival and has waited long enough already.
   */
  submit(items: QueuedExecution[], options: { first?: boolean } = {}): void {
    const ordered = options.first ? [...items].reverse() : items;
    for (const item of ordered) void this.run(item, options.first);
  }

  /**
   * Queues one item; resolves when it has left this process. An item already here joins the first.
   * `due`: queued by a wake timer armed for that `waitTill`. `onClaim`: told as soon as the claim is
   * settled (a queue job of many executions is done with them then: BullmqExecutionQueue).
   */
  run(item: QueuedExecution, first = false, due?: Date, onClaim?: (outcome: ClaimOutcome) => void): Promise<DispatchOutcome> {
    return new Promise((resolve) => {
      if (this.stopped) {
        onClaim?.('released');
        return resolve('released');
      }
      const existing = this.known.get(item.id);
      if (existing) {
        // A wake joined to a claim already sent (or to the run it started) would be lost with it:
        // only a claim sent after the wake is sure to see what made the execution due.
        if (due && existing.dispatched) existing.wakeAfter = later(existing.wakeAfter, due);
        else if (due) existing.due = later(existing.due, due);
        if (onClaim && existing.started) onClaim('started');
        else if (onClaim) existing.onClaim.push(onClaim);
        return existing.settle.push(resolve);
      }
      const entry: Entry = { item, settle: [resolve], onClaim: onClaim ? [onClaim] : [], due };
      this.known.set(item.id, entry);
      if (first) this.waiting.unshift(entry);
      else this.waiting.push(entry);
      this.dispatch();
    });
  }

  /**
   * A slot for an execution the caller inserts already claimed by this process (ExecutionQueue.reserveRun),
   * counted against `concurrency` from now on. Only when nothing waits here for a slot: a fresh
   * arrival does not overtake older work. Workflows with a concurrency limit never come here.
   */
  reserveRun(): RunSlot | undefined {
    if (this.stopped || this.waiting.length > 0 || this.reserved >= this.options.concurrency) return undefined;
    this.reserved++;
    let settled = false;
    return {
      owner: this.engine.workerId,
      leaseMs: this.options.leaseMs,
      run: (claimed) => {
        if (settled) return;
        settled = true;
        const entry: Entry = { item: { id: claimed.id, workflowId: claimed.workflowId }, settle: [], onClaim: [], dispatched: true };
        this.known.set(claimed.id, entry);
        void this.runClaimed(entry, claimed);
      },
      release: () => {
        if (settled) return;
        settled = true;
        this.reserved--;
        this.dispatch();
      },
    };
  }

  private dispatch(): void {
    if (this.stopped) return;
    let capacity = this.options.concurrency - this.reserved;
    while (this.waiting.length > 0 && capacity > 0) {
      const entry = this.waiting.at(0);
      this.waiting.removeAt(0);
      entry.dispatched = true;
      this.reserved++;
      capacity--;
      void this.claimAndRun(entry);
    }
  }

  private async claimAndRun(entry: Entry): Promise<void> {
    const item = entry.item;
    let claimed: ClaimedExecution | null;
    try {
      if (await this.ranUnclaimed(entry)) return this.finish(entry, 'ran');
      claimed = LimitedClaims.isLimited(item) ? await this.limited.claim(item) : await this.claims.submit({ id: item.id, due: entry.due, workflowId: item.workflowId, workflowVersion: item.workflowVersion });
    } catch (error) {
      this.logger.warn({ msg: `Could not claim execution ${item.id} (the sweep retries it): ${(error as Error).message}`, executionId: item.id, workflowId: item.workflowId });
      return this.finish(entry, 'claim-failed');
    }
    if (!claimed) return this.finish(entry, 'not-claimable');
    await this.runClaimed(entry, claimed);
  }

  /**
   * A fresh execution of a pure workflow runs without a claim (ExecutionEngine.runUnclaimed): read
   * rather than claimed, its final state written only if nothing claimed or canceled it meanwhile.
   * Its job (BullmqExecutionQueue) is done once that write is: a write that failed (database down)
   * sends the job back like a failed claim. False when it is to be claimed as usual: its version is
   * unknown (an earlier release queued it), not pure or limited, or the row is not fresh (a takeover,
   * a wait, a retry that replays records, or already ended: the claim then finds it not claimable).
   */
  private async ranUnclaimed(entry: Entry): Promise<boolean> {
    const { item } = entry;
    if (entry.due || item.workflowVersion === undefined || LimitedClaims.isLimited(item) || !(await this.engine.runsUnclaimed(item.workflowId, item.workflowVersion))) return false;
    const execution = await this.unclaimed.submit(item.id);
    return execution !== null && (await this.engine.runUnclaimed(execution));
  }

  private claimSettled(entry: Entry, outcome: ClaimOutcome): void {
    entry.started = outcome === 'started';
    const told = entry.onClaim;
    entry.onClaim = [];
    for (const tell of told) tell(outcome);
  }

  /** Runs an execution this process holds the lease of (claimed here, or inserted claimed: reserveRun). */
  private async runClaimed(entry: Entry, claimed: ClaimedExecution): Promise<void> {
    let outcome: DispatchOutcome = 'ran';
    let next: QueuedExecution | undefined;
    try {
      if (this.stopped) {
        // Claimed while shutting down: hand it straight back rather than start it now.
        this.released.add(claimed.id);
        await this.executions.releaseLeases([claimed.id], this.engine.workerId).catch(() => undefined);
        this.claimSettled(entry, 'released');
      }
      // Never throws: failures end up in the record or the log.
      else {
        const run = this.engine.executeWorkflow(claimed);
        this.claimSettled(entry, 'started');
        await run;
        next = this.limited.afterRun(claimed);
      }
      if (this.released.has(entry.item.id)) {
        // Only once the lease is handed back may another worker be told to take it.
        await this.releasing;
        outcome = 'released';
      }
    } catch (error) {
      // executeWorkflow never throws; the lease hand-back's failure is caught where it happens.
      this.logger.warn({ msg: `Execution ${entry.item.id}: ${(error as Error).message}`, executionId: entry.item.id, workflowId: entry.item.workflowId });
    }
    this.finish(entry, outcome);
    // After finish: the news may carry the id of the run that just left.
    if (next) this.submit([next]);
  }

  private finish(entry: Entry, outcome: DispatchOutcome): void {
    this.reserved--;
    this.known.delete(entry.item.id);
    if (entry.onClaim.length) this.claimSettled(entry, outcome === 'ran' ? 'started' : outcome);
    this.options.onLeft?.(entry.item.id);
    for (const settle of entry.settle) settle(outcome);
    if (entry.wakeAfter) void this.run({ id: entry.item.id, workflowId: entry.item.workflowId }, false, entry.wakeAfter);
    this.dispatch();
  }

  /**
   * A WAITING execution due soon after this process parked it is woken by a timer here, so short
   * waits are punctual; later ones (and those of a crashed process) are found by the sweep, which
   * hands those due before its next pass to `wakeSoon`.
   *
   * `at` is on this process's clock, `waitTill` as stored (the database's clock): the claim that
   * follows the timer passes `waitTill` on, so that it succeeds even if the database's clock has
   * not quite reached it (ExecutionsRepository.claimMany). Waits due later than `wakeWithinMs`
   * (hours, days) hold no timer here.
   */
  private wakeAt(id: string, workflowId: string, at: number, waitTill: Date): void {
    if (this.stopped) return;
    const delay = at - Date.now();
    if (delay > this.options.wakeWithinMs) return;
    clearTimeout(this.wakeTimers.get(id));
    const timer = setTimeout(() => {
      this.wakeTimers.delete(id);
      // Node fires a timer up to a millisecond before Date.now() reaches its time: never early.
      if (Date.now() < at) return this.wakeAt(id, workflowId, at, waitTill);
      void this.run({ id, workflowId }, false, waitTill);
    }, Math.max(0, delay));
    timer.unref();
    this.wakeTimers.set(id, timer);
  }

  /** Waits the sweep found due before its next pass: parked by another process, or before a restart. */
  wakeSoon(waits: WaitDue[]): void {
    const now = Date.now();
    for (const wait of waits) {
      if (this.wakeTimers.has(wait.id) || this.known.has(wait.id)) continue;
      this.wakeAt(wait.id, wait.workflowId, now + wait.dueInMs, wait.waitTill);
    }
  }

  private async renewLeases(): Promise<void> {
    const ids = this.engine.leasedIds;
    if (!ids.length) return;
    try {
      const kept = await this.executions.renewLeases(ids, this.engine.workerId, this.options.leaseMs);
      // A lease this process lost (canceled, or taken over after it expired) belongs to someone
      // else now: stop the run; fencing by attempt already refuses its writes.
      for (const id of ids) if (!kept.has(id)) this.engine.abort(id, LEASE_LOST);
    } catch (error) {
      this.logger.warn({ msg: `Lease renewal failed: ${(error as Error).message}`, executionIds: ids });
    }
  }

  /**
   * Shutdown: takes no more work, gives running executions until `deadline` to finish, then stops
   * the rest and releases their leases so that another process resumes them at once. Items that
   * were still waiting here were never claimed and stay PENDING for whoever comes next.
   */
  async drain(deadline: number): Promise<void> {
    this.stopped = true;
    this.limited.stop();
    // Leases stay renewed while runs finish: the grace period may outlast a lease.
    for (const timer of this.wakeTimers.values()) clearTimeout(timer);
    for (const entry of this.waiting.takeAll()) {
      this.known.delete(entry.item.id);
      this.claimSettled(entry, 'released');
      this.options.onLeft?.(entry.item.id);
      for (const settle of entry.settle) settle('released');
    }
    // `reserved` counts claims still in flight as well as runs: both must end before the pool closes.
    while (this.reserved > 0 && Date.now() < deadline) await sleep(25);
    clearInterval(this.leaseTimer);
    if (this.reserved === 0) return;
    const left = this.engine.leasedIds;
    for (const id of left) {
      this.released.add(id);
      this.workflowOf.set(id, this.known.get(id)?.item.workflowId ?? '');
    }
    this.releasing = this.executions
      .releaseLeases(left, this.engine.workerId)
      .catch((error: Error) => this.logger.warn({ msg: `Could not release leases (they expire by themselves): ${error.message}`, executionIds: left }));
    // Stopped first: a run that is not told so could still write after its lease is handed back
    // (fencing would refuse the write, but a side effect might already be under way).
    this.engine.abortAll(SHUTDOWN);
    await this.releasing;
    this.logger.log({ msg: `Released ${left.length} unfinished execution(s) to other workers`, executionIds: left });
    // Aborted runs unwind quickly; let them before the database pool closes under them.
    const unwind = Date.now() + 1000;
    while (this.reserved > 0 && Date.now() < unwind) await sleep(10);
  }
}

/** The later of two wake times (a claim passed the later one accepts whatever the earlier one would). */
function later(current: Date | undefined, next: Date): Date {
  return current && current.getTime() >= next.getTime() ? current : next;
}
