import { AfterLoad, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ExecutionMode, ExecutionStatus, NodeExecution, TriggerData } from './execution.types.js';
import { expandNodeRecords } from './node-records.js';

/**
 * No foreign keys: executions outlive their workflow and webhook (README.md DELETE), and the ingest
 * insert is the hot path. RANGE-partitioned on `id` by day (a UUIDv7 carries its creation time;
 * migration PartitionedExecutions, docs/retention-and-sizing.md): every index here exists on each
 * partition, and the unique keys live in execution_keys.
 */
@Entity('workflow_executions')
@Index('IDX_executions_workflow_id', ['workflowId', 'id'])
@Index('IDX_executions_user_id', ['userId', 'id'])
@Index('IDX_executions_status_id', ['status', 'id'])
/**
 * (workflowId, status, id) INCLUDE (sizeBytes), made by migration ExecutionStats: GET
 * /executions/stats is an index-only scan of it, a workflow's status filter a probe. TypeORM cannot
 * declare an INCLUDE; `synchronize: false` keeps its schema check from undoing it.
 */
@Index('IDX_executions_workflow_status_id', { synchronize: false })
/** The retention pass (docs/executions.md) finds ended executions by completion time. */
@Index('IDX_executions_completed_at', ['completedAt'])
@Index('IDX_executions_retry_of', ['retryOf'], { where: '"retryOf" IS NOT NULL' })
@Index('IDX_executions_wait_till', ['waitTill'], { where: `"status" = 'WAITING'` })
/** Retention keeps a partition with keyed executions at least 4 days (src/executions/partitions/). */
@Index('IDX_executions_keyed_completed_at', ['completedAt'], { where: '"idempotencyKey" IS NOT NULL' })
@Index('IDX_executions_parent_node_run', ['parentExecutionId', 'parentNode', 'parentIndex'], { where: '"parentExecutionId" IS NOT NULL' })
/** Limited executions only, while they count or wait (docs/concurrency.md): RUNNING ones of a key, and its oldest PENDING one. */
@Index('IDX_executions_concurrency', ['workflowId', 'concurrencyKey', 'status', 'id'], { where: `"concurrencyKey" IS NOT NULL AND "status" IN ('PENDING', 'RUNNING')` })
export class ExecutionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  workflowId: string;

  @Column({ type: 'integer' })
  workflowVersion: number;

  @Column({ type: 'uuid', nullable: true })
  webhookId: string | null;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  mode: ExecutionMode;

  @Column({ type: 'text' })
  status: ExecutionStatus;

  @Column({ type: 'jsonb', nullable: true })
  triggerData: TriggerData | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  nodeExecutions: NodeExecution[];

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ type: 'uuid', nullable: true })
  retryOf: string | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Incremented each time a worker takes the execution; fences writes from an earlier owner. */
  @Column({ type: 'integer', default: 0 })
  attempt: number;

  /**
   * How many times a RUNNING execution was taken over after its owner lost it (the process ended or
   * its lease expired): the claim counts these, not resumes after a wait nor hand-backs on shutdown.
   * Past MAX_LOST_RUNS the execution is abandoned (FAILED) instead of run again (issue: poison runs).
   */
  @Column({ type: 'integer', default: 0 })
  lostRuns: number;

  @Column({ type: 'text', nullable: true })
  leaseOwner: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  /** The wait node a WAITING execution is paused at. */
  @Column({ type: 'text', nullable: true })
  waitNode: string | null;

  /** When a WAITING execution continues on its own (duration over, or resume timeout); null: never. */
  @Column({ type: 'timestamptz', nullable: true })
  waitTill: Date | null;

  /** The resume request `{ body, query }` that woke a waiting execution, consumed when it continues. */
  @Column({ type: 'jsonb', nullable: true })
  resumeData: unknown;

  /**
   * A PENDING execution that may not be claimed before this one has ended: a schedule's buffered
   * firing (overlap bufferOne, docs/schedules.md).
   */
  @Column({ type: 'uuid', nullable: true })
  startsAfter: string | null;

  /** The W3C `traceparent` of the span that created the execution, when tracing was on (docs/observability.md). */
  @Column({ type: 'text', nullable: true })
  traceContext: string | null;

  /** What a respondToWebhook node answered, for a `responseNode` caller waiting on another replica. */
  @Column({ type: 'jsonb', nullable: true })
  webhookResponse: unknown;

  /** A sub-workflow's parent execution and the node (and forEach element) that started it. */
  @Column({ type: 'uuid', nullable: true })
  parentExecutionId: string | null;

  @Column({ type: 'text', nullable: true })
  parentNode: string | null;

  @Column({ type: 'integer', nullable: true })
  parentIndex: number | null;

  /** The parent waits for this child: its end resumes the parent, cancelling the parent cancels it. */
  @Column({ type: 'boolean', default: false })
  parentWaits: boolean;

  /** Parents above this execution (docs/lists-and-subworkflows.md, limits). */
  @Column({ type: 'integer', default: 0 })
  depth: number;

  /**
   * Set on executions of a workflow with `settings.concurrency` (docs/concurrency.md): the value of its
   * `key` when the execution was created, or '' for a limit on the whole workflow. Null: no limit.
   */
  @Column({ type: 'text', nullable: true })
  concurrencyKey: string | null;

  /** A waited-for child ended since this execution last parked (migration Subworkflows). */
  @Column({ type: 'boolean', default: false })
  childEnded: boolean;

  /** When a WAITING execution parked; the claim that continues it adds the time since to `waitedMs`. */
  @Column({ type: 'timestamptz', nullable: true })
  waitingSince: Date | null;

  /**
   * Milliseconds spent WAITING (at wait nodes, on children): they do not count toward the execution's
   * timeout (docs/lists-and-subworkflows.md).
   */
  @Column({ type: 'bigint', default: 0, transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) } })
  waitedMs: number;

  /**
   * What its trigger data, node records, webhook answer and error take as stored, in bytes, written
   * with them (execution-size.ts); null for executions stored before it was recorded.
   */
  @Column({ type: 'integer', nullable: true })
  sizeBytes: number | null;

  /** Stored records keep repeated values once (node-records.ts): every read gets them whole. */
  @AfterLoad()
  expandNodeRecords(): void {
    if (this.nodeExecutions) this.nodeExecutions = expandNodeRecords(this.nodeExecutions, this.triggerData);
  }
}
