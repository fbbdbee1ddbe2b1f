import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExecutionMode, ExecutionStatus } from '../executions/execution.types.js';

/** From a trigger-and-condition run (a few ms) to a long HTTP chain near the 300 s default timeout. */
const EXECUTION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Pure nodes take microseconds; outside calls up to the 60 s default node timeout. */
const NODE_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A firing is due within a second (docs/schedules.md); catch-ups after downtime reach hours. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60, 600, 3600, 86_400];

export interface PendingBacklog {
  count: number;
  oldestAgeSeconds: number;
}

/** What the scrape-time gauges read, from whoever owns each number (the queue, the database). */
export interface BacklogSource {
  /** Executions waiting in this process's in-process queue. */
  queueDepth(): number;
  /** PENDING executions in the database and the age of the oldest. */
  pending(): Promise<PendingBacklog>;
}

/**
 * The Prometheus metrics of docs/observability.md, in a registry of its own (so several apps in one process, as
 * in the tests, never collide). Hot-path methods only bump counters: children for each label value
 * are cached so a call allocates nothing.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly created: Counter<'mode'>;
  private readonly started: Counter<'mode'>;
  private readonly finished: Counter<'status'>;
  private readonly executionDuration: Histogram;
  private readonly nodeDuration: Histogram<'node_type' | 'status'>;
  private readonly webhookRequests: Counter<'status_code'>;
  private readonly webhookByCode = new Map<number, Counter.Internal>();
  private readonly createdByMode = new Map<string, Counter.Internal>();
  private readonly startedByMode = new Map<string, Counter.Internal>();
  private readonly finishedByStatus = new Map<string, Counter.Internal>();
  private readonly nodeDurationBy = new Map<string, Histogram.Internal<'node_type' | 'status'>>();
  private readonly scheduleSkipped: Counter<'reason'>;
  private readonly scheduleLag: Histogram;
  private backlog: BacklogSource | undefined;
  private lastPending: PendingBacklog = { count: 0, oldestAgeSeconds: 0 };
  private pendingRead: Promise<PendingBacklog> | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.created = new Counter({ name: 'workflow_executions_created_total', help: 'Executions stored new by this process, by mode', labelNames: ['mode'], registers });
    this.started = new Counter({ name: 'workflow_executions_started_total', help: 'Executions taken up by a worker of this process, by mode', labelNames: ['mode'], registers });
    this.finished = new Counter({
      name: 'workflow_executions_finished_total',
      help: 'Executions that reached a final status in this process, by status',
      labelNames: ['status'],
      registers,
    });
    this.executionDuration = new Histogram({
      name: 'workflow_execution_duration_seconds',
      help: 'Time from an execution starting to its final status',
      buckets: EXECUTION_BUCKETS,
      registers,
    });
    this.nodeDuration = new Histogram({
      name: 'workflow_node_duration_seconds',
      help: 'Time one node took, retries included, by node type and outcome',
      labelNames: ['node_type', 'status'],
      buckets: NODE_BUCKETS,
      registers,
    });
    this.webhookRequests = new Counter({ name: 'webhook_requests_total', help: 'Answers given on /webhook/ routes, by HTTP status code', labelNames: ['status_code'], registers });
    this.scheduleSkipped = new Counter({
      name: 'workflow_schedule_skipped_total',
      help: 'Schedule due times not fired by this process: `overlap` (an earlier firing still unfinished) or `missed` (no replica ran, catchUp)',
      labelNames: ['reason'],
      registers,
    });
    this.scheduleLag = new Histogram({
      name: 'workflow_schedule_firing_lag_seconds',
      help: "Time from a schedule's due time to its execution being created (by the database clock)",
      buckets: LAG_BUCKETS,
      registers,
    });
    const queueDepth: Gauge = new Gauge({
      name: 'workflow_execution_queue_depth',
      help: "Executions waiting in this process's in-process queue",
      registers,
      collect: () => queueDepth.set(this.backlog?.queueDepth() ?? 0),
    });
    const pending: Gauge = new Gauge({
      name: 'workflow_executions_pending',
      help: 'PENDING executions in the database (every replica reports the same number: use max)',
      registers,
      collect: async () => pending.set((await this.readPending()).count),
    });
    const oldest: Gauge = new Gauge({
      name: 'workflow_execution_oldest_pending_age_seconds',
      help: 'Age of the oldest PENDING execution; 0 when there is none',
      registers,
      collect: async () => oldest.set((await this.readPending()).oldestAgeSeconds),
    });
  }

  /** Wired once at start-up by MetricsBindings. */
  setBacklogSource(source: BacklogSource): void {
    this.backlog = source;
  }

  executionCreated(mode: ExecutionMode): void {
    child(this.createdByMode, mode, () => this.created.labels(mode)).inc();
  }

  executionStarted(mode: ExecutionMode): void {
    child(this.startedByMode, mode, () => this.started.labels(mode)).inc();
  }

  executionFinished(status: Extract<ExecutionStatus, 'COMPLETED' | 'FAILED' | 'CANCELED'>, durationSeconds?: number): void {
    child(this.finishedByStatus, status, () => this.finished.labels(status)).inc();
    if (durationSeconds !== undefined) this.executionDuration.observe(Math.max(0, durationSeconds));
  }

  nodeFinished(nodeType: string, status: string, durationSeconds: number): void {
    child(this.nodeDurationBy, `${nodeType} ${status}`, () => this.nodeDuration.labels(nodeType, status)).observe(Math.max(0, durationSeconds));
  }

  scheduleFired(lagSeconds: number): void {
    this.scheduleLag.observe(Math.max(0, lagSeconds));
  }

  scheduleDueTimesSkipped(reason: 'overlap' | 'missed', count: number): void {
    if (count > 0) this.scheduleSkipped.labels(reason).inc(count);
  }

  webhookAnswered(statusCode: number): void {
    child(this.webhookByCode, statusCode, () => this.webhookRequests.labels(String(statusCode))).inc();
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Both pending gauges come from one query per scrape: prom-client calls every collect before
   * awaiting any, so the second gauge reuses the first one's promise. A failed or slow query keeps
   * the last known values.
   */
  private readPending(): Promise<PendingBacklog> {
    this.pendingRead ??= (async () => {
      try {
        const value = await this.backlog?.pending();
        if (value) this.lastPending = value;
      } catch {
        // The database being down shows in /health/ready; the scrape itself must still answer.
      }
      return this.lastPending;
    })().finally(() => (this.pendingRead = undefined));
    return this.pendingRead;
  }

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}

/** A metric's child for one set of label values, made once: prom-client hashes labels on every call otherwise. */
function child<K, C>(children: Map<K, C>, key: K, make: () => C): C {
  let found = children.get(key);
  if (!found) {
    found = make();
    children.set(key, found);
  }
  return found;
}
