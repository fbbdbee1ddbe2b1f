import { performance } from 'node:perf_hooks';

/** docs/expressions.md: every evaluation is bounded in time (CPU time; the evaluator has a wall-clock backstop). */
export const EVALUATION_TIMEOUT_MS = 50;
/**
 * Longest stretch evaluations hold the event loop before they wait for a turn of it, so that
 * requests such as `/health/live` get in between (docs/security.md: hostile input cannot stall others).
 */
export const SLICE_MS = 5;
/** How many evaluation steps pass between two CPU-time checks (a check costs about a microsecond). */
const STEPS_PER_CHECK = 32;
/** Work units (characters scanned, matches) inside built-ins between two CPU-time checks. */
const WORK_PER_CHECK = 64 * 1024;

/** What the JSONata hooks and the bounded built-ins report to (bounded-built-ins.ts). */
export interface Pacing {
  /** Work done inside one built-in call (a single step, however long): checked against the budget. */
  charge(units: number): void;
  /** A point where an evaluation may give way to the event loop and to other evaluations; undefined when it need not. */
  pause(): Promise<void> | undefined;
}

/** One evaluation's CPU time: counted only while it runs, not while it waits for its turn. */
class Budget {
  steps = 0;
  work = 0;
  private used = 0;
  private resumed: NodeJS.CpuUsage | null = null;

  resume(): void {
    this.resumed = process.cpuUsage();
  }

  suspend(): void {
    this.used = this.cpuMs();
    this.resumed = null;
  }

  check(): void {
    if (this.cpuMs() > EVALUATION_TIMEOUT_MS) throw { code: 'D1012' };
  }

  private cpuMs(): number {
    if (!this.resumed) return this.used;
    const since = process.cpuUsage(this.resumed);
    return this.used + (since.user + since.system) / 1000;
  }
}

/**
 * Runs evaluations one at a time, in turns. JSONata is asynchronous, so evaluations left to
 * themselves would interleave step by step and each one's 50 ms bound would count the others' time;
 * here exactly one runs at any moment, so its CPU time is its own. Once evaluations have held the
 * event loop for SLICE_MS, the running one gives way at its next step (or next regex match): the
 * loop turns, then the next evaluation in line runs, round robin. So no evaluation holds the loop
 * for its whole budget, and a short one never waits behind a whole long one.
 */
export class EvaluationScheduler implements Pacing {
  private current: Budget | null = null;
  private readonly waiting: Array<{ budget: Budget; start: () => void }> = [];
  /** True from the moment evaluations start holding the loop until it turns. */
  private holding = false;
  private sliceStart = 0;
  private dispatchPending = false;

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enqueue(new Budget());
    try {
      return await work();
    } finally {
      this.current = null;
      this.dispatch();
    }
  }

  /** Every JSONata step: the CPU check every few steps, and giving way once the loop has been held long enough. */
  step(): Promise<void> | undefined {
    const budget = this.current;
    if (!budget || ++budget.steps % STEPS_PER_CHECK !== 0) return undefined;
    budget.check();
    return this.pause();
  }

  charge(units: number): void {
    const budget = this.current;
    if (!budget) return;
    budget.work += units;
    if (budget.work < WORK_PER_CHECK) return;
    budget.work = 0;
    budget.check();
  }

  pause(): Promise<void> | undefined {
    const budget = this.current;
    if (!budget || !this.heldTooLong()) return undefined;
    budget.suspend();
    this.current = null;
    return this.enqueue(budget);
  }

  /** Resolves when `budget`'s evaluation may run: at once if nothing runs and the loop may still be held, else in turn. */
  private enqueue(budget: Budget): Promise<void> {
    return new Promise((start) => {
      this.waiting.push({ budget, start });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.current || this.waiting.length === 0) return;
    if (this.heldTooLong()) {
      if (!this.dispatchPending) {
        this.dispatchPending = true;
        setImmediate(() => {
          this.dispatchPending = false;
          this.dispatch();
        });
      }
      return;
    }
    const next = this.waiting.shift()!;
    this.current = next.budget;
    next.budget.resume();
    next.start();
  }

  private heldTooLong(): boolean {
    if (this.holding) return performance.now() - this.sliceStart >= SLICE_MS;
    this.holding = true;
    this.sliceStart = performance.now();
    // Runs at the loop's next turn, before any dispatch scheduled after this point.
    setImmediate(() => {
      this.holding = false;
    });
    return false;
  }
}
