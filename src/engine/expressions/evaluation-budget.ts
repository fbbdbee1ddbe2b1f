import { performance } from 'node:perf_hooks';

/** SPEC §7.2: every evaluation is bounded in time (CPU time; see WALL_CLOCK_LIMIT_MS for the backstop). */
export const EVALUATION_TIMEOUT_MS = 50;
/**
 * Longest stretch evaluations hold the event loop before they wait for a turn of it, so that
 * requests such as `/health/live` get in between (SPEC §9.6: hostile input cannot stall others).
 */
export const SLICE_MS = 5;
/** How many evaluation steps pass between two CPU-time checks (a check costs about a microsecond). */
const STEPS_PER_CHECK = 32;
/** Work units (characters scanned, matches) inside built-ins between two CPU-time checks. */
const WORK_PER_CHECK = 64 * 1024;

/** What the bounded built-ins report to (bounded-built-ins.ts). */
export interface Pacing {
  /** Work done inside one built-in call (a single step, however long): checked against the budget. */
  charge(units: number): void;
  /** A point where a built-in may wait for a turn of the event loop; undefined when it need not. */
  pause(): Promise<void> | undefined;
}

/**
 * The CPU budget of the running evaluation, and the pacing of evaluations on the event loop.
 * Evaluations run one at a time (ExpressionEvaluator.exclusive), so one object serves them all.
 * The budget counts the evaluation's own CPU time only: while it waits for a turn of the loop,
 * other requests run, and their time is not charged to it.
 */
export class EvaluationBudget implements Pacing {
  /** CPU milliseconds used before the last pause. */
  private used = 0;
  private resumed = process.cpuUsage();
  private steps = 0;
  private work = 0;
  /** True from the moment evaluations start holding the loop until the loop turns. */
  private holding = false;
  private sliceStart = 0;

  /** Before each evaluation: a fresh budget, after a turn of the loop if it has been held SLICE_MS. */
  async begin(): Promise<void> {
    const paused = this.pause();
    if (paused) await paused;
    this.used = 0;
    this.steps = 0;
    this.work = 0;
    this.resumed = process.cpuUsage();
  }

  /** Every JSONata step: the CPU check every few steps, and a pause once the loop has been held long enough. */
  step(): Promise<void> | undefined {
    if (++this.steps % STEPS_PER_CHECK !== 0) return undefined;
    this.check();
    return this.pause();
  }

  charge(units: number): void {
    this.work += units;
    if (this.work < WORK_PER_CHECK) return;
    this.work = 0;
    this.check();
  }

  pause(): Promise<void> | undefined {
    if (!this.holding) {
      this.startHolding();
      return undefined;
    }
    if (performance.now() - this.sliceStart < SLICE_MS) return undefined;
    this.used = this.cpuMs();
    return new Promise((resolve) =>
      // Runs after the callback that ended the previous stretch (setImmediate keeps order).
      setImmediate(() => {
        this.resumed = process.cpuUsage();
        this.startHolding();
        resolve();
      }),
    );
  }

  private startHolding(): void {
    this.holding = true;
    this.sliceStart = performance.now();
    setImmediate(() => {
      this.holding = false;
    });
  }

  private check(): void {
    if (this.cpuMs() > EVALUATION_TIMEOUT_MS) throw { code: 'D1012' };
  }

  private cpuMs(): number {
    const since = process.cpuUsage(this.resumed);
    return this.used + (since.user + since.system) / 1000;
  }
}
