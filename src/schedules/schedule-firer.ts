import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { newId } from '../common/uuid.js';
import { ConcurrencyKeys } from '../engine/concurrency/concurrency-keys.js';
import { ExecutionQueue } from '../engine/execution-queue.js';
import { ExecutionLifecycle } from '../executions/execution-lifecycle.js';
import type { ExecutionStatus } from '../executions/execution.types.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { planFirings } from './firing-plan.js';
import { SchedulesRepository, type DueSchedule, type Firing, type ScheduleAdvance } from './schedules.repository.js';
import { Timetable, type TimetableSpec } from './timetable.js';

/** Edits, activations and other replicas' firings are seen within this (docs/schedules.md: within 1 s). */
const POLL_MS = 500;
/** Rows claimed per transaction; a backlog is worked off in several. */
const CLAIM_BATCH = 200;
/** When due rows are all locked by other replicas, look again after this rather than spinning. */
const CONTENDED_MS = 20;

/**
 * Fires schedules (docs/schedules.md) in the roles that execute (`all`, `worker`). Every replica runs this
 * loop; none owns a schedule. It sleeps until the earliest due time (one indexed `min(nextDueAt)`
 * lookup, at most every POLL_MS: near-zero CPU at rest), then claims due rows with
 * `FOR UPDATE SKIP LOCKED`, creates their executions and advances them in one transaction, and
 * hands the executions to the queue like any webhook execution. A replica that dies mid-way rolls
 * its transaction back and another claims the rows; the due time is the idempotency key, unique
 * per workflow, so a due time becomes exactly one execution.
 */
@Injectable()
export class ScheduleFirer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ScheduleFirer');
  private readonly stop = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private readonly timetables = new Map<string, { json: string; timetable: Timetable }>();

  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly queue: ExecutionQueue,
    private readonly metrics: MetricsService,
    private readonly concurrencyKeys: ConcurrencyKeys,
    private readonly lifecycle: ExecutionLifecycle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      let waitMs = POLL_MS;
      try {
        // One statement per idle pass: the buffered firings' query runs only when there are some.
        const { msUntilNextDue: untilDue, buffered } = await this.schedules.pollState();
        if (buffered) await this.releaseBuffered();
        if (untilDue !== null && untilDue <= 0) {
          const claimed = await this.fireDue();
          // More due rows than one batch: go on at once. None claimed: others hold them.
          waitMs = claimed >= CLAIM_BATCH ? 0 : claimed > 0 ? 0 : CONTENDED_MS;
        } else if (untilDue !== null) {
          waitMs = Math.min(POLL_MS, Math.ceil(untilDue));
        }
      } catch (error) {
        if (this.stop.signal.aborted) return;
        this.logger.warn({ msg: `Schedule pass failed (retried in ${POLL_MS} ms): ${(error as Error).message}` });
      }
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  /** One claim transaction; answers how many due rows it worked on. */
  private async fireDue(): Promise<number> {
    const started = performance.now();
    const { created, due } = await this.schedules.claimDue(CLAIM_BATCH, (rows, now, statuses) => this.withConcurrencyKeys(rows, this.plan(rows, now, statuses)));
    if (!due.length) return 0;
    const elapsedSeconds = (performance.now() - started) / 1000;
    for (const firing of created) this.lifecycle.emit('created', { id: firing.id, workflowId: firing.workflowId, mode: 'schedule' });
    for (const firing of created) this.metrics.scheduleFired((firing.createdAt.getTime() - Date.parse(firing.triggerData.scheduledFor)) / 1000 + elapsedSeconds);
    // A buffered firing waits for its predecessor: releaseBuffered hands it on once that has ended.
    const ready = created.filter((firing) => firing.startsAfter === null);
    if (ready.length) this.queue.enqueue(ready.map((firing) => ({ id: firing.id, workflowId: firing.workflowId, concurrencyKey: firing.concurrencyKey, awaited: false })));
    return due.length;
  }

  /** Firings of workflows with a concurrency limit carry their key (docs/concurrency.md); the others are left as they are. */
  private async withConcurrencyKeys<T extends { firings: Firing[] }>(rows: DueSchedule[], planned: T): Promise<T> {
    const settings = new Map(rows.map((row) => [row.workflowId, row.settings]));
    for (const firing of planned.firings) {
      const workflowSettings = settings.get(firing.workflowId);
      if (workflowSettings?.concurrency === undefined) continue;
      firing.concurrencyKey = await this.concurrencyKeys.keyFor(workflowSettings, { id: firing.id, workflowId: firing.workflowId, mode: 'schedule', triggerData: firing.triggerData });
    }
    return planned;
  }

  private plan(rows: DueSchedule[], now: Date, statuses: Map<string, ExecutionStatus>): { firings: Firing[]; advances: ScheduleAdvance[] } {
    const firings: Firing[] = [];
    const advances: ScheduleAdvance[] = [];
    for (const row of rows) {
      let timetable: Timetable;
      let plan: ReturnType<typeof planFirings>;
      try {
        timetable = this.timetableOf(row.workflowId, row.timetable);
        plan = planFirings({
          timetable,
          nextDueAt: new Date(row.nextDueAt),
          anchorAt: new Date(row.anchorAt),
          lastExecutionId: row.lastExecutionId,
          bufferedExecutionId: row.bufferedExecutionId,
          statuses,
          now,
          missedAfterMs: this.config.scheduleMissedAfterMs,
        });
      } catch (error) {
        // One schedule that cannot be computed (a bug, a timetable an upgrade no longer reads) must
        // not hold up the others in its batch: it is looked at again a minute later.
        this.logger.error({ msg: `Schedule of workflow ${row.workflowId} could not be computed (retried in 60 s): ${(error as Error).message}`, workflowId: row.workflowId });
        advances.push({ ...unchanged(row), nextDueAt: new Date(now.getTime() + 60_000) });
        continue;
      }
      this.metrics.scheduleDueTimesSkipped('overlap', plan.skippedOverlap);
      this.metrics.scheduleDueTimesSkipped('missed', plan.skippedMissed);
      const made = plan.firings.map(
        (planned): Firing => ({
          id: newId(),
          workflowId: row.workflowId,
          workflowVersion: row.workflowVersion,
          userId: row.ownerId,
          triggerData: { scheduledFor: planned.scheduledFor.toISOString(), firedAt: now.toISOString(), timezone: timetable.spec.timezone },
          idempotencyKey: planned.scheduledFor.toISOString(),
          startsAfter: null,
          createdAt: now,
        }),
      );
      plan.firings.forEach((planned, index) => {
        const after = planned.startsAfter;
        made[index].startsAfter = after === null ? null : 'execution' in after ? after.execution : made[after.firing].id;
      });
      firings.push(...made);
      const last = made.at(-1);
      advances.push({
        workflowId: row.workflowId,
        nextDueAt: plan.nextDueAt,
        lastScheduledFor: last ? plan.firings.at(-1)!.scheduledFor : row.lastScheduledFor,
        lastExecutionId: last ? last.id : row.lastExecutionId,
        bufferedExecutionId: plan.bufferedIndex >= 0 ? made[plan.bufferedIndex].id : row.bufferedExecutionId,
        skippedBy: plan.skippedOverlap + plan.skippedMissed,
      });
    }
    return { firings, advances };
  }

  /** bufferOne firings whose predecessor ended since the last pass go to the queue now. */
  private async releaseBuffered(): Promise<void> {
    const ready = await this.schedules.releasableBuffered();
    if (ready.length) this.queue.enqueue(ready.map((row) => ({ id: row.id, workflowId: row.workflowId, concurrencyKey: row.concurrencyKey, awaited: false })));
  }

  /** Parsed timetables, reused while a schedule's timetable stays the same. */
  private timetableOf(workflowId: string, spec: TimetableSpec): Timetable {
    const json = JSON.stringify(spec);
    const cached = this.timetables.get(workflowId);
    if (cached?.json === json) return cached.timetable;
    const timetable = new Timetable(spec);
    if (this.timetables.size >= 20_000) this.timetables.clear();
    this.timetables.set(workflowId, { json, timetable });
    return timetable;
  }
}

/** A row's state as it is, for a pass that changes nothing but what it says. */
function unchanged(row: DueSchedule): ScheduleAdvance {
  return { workflowId: row.workflowId, nextDueAt: row.nextDueAt, lastScheduledFor: row.lastScheduledFor, lastExecutionId: row.lastExecutionId, bufferedExecutionId: row.bufferedExecutionId, skippedBy: 0 };
}
