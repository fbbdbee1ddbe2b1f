import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkflowEntity } from '../workflows/workflow.entity.js';
import type { TimetableSpec } from './timetable.js';

/**
 * The firing state of one schedule workflow (docs/schedules.md): a row that replicas claim with
 * `FOR UPDATE SKIP LOCKED` when `nextDueAt` has come, not a timer each replica owns. Written in the
 * same transaction as the workflow change that affects it; deleted with the workflow.
 */
@Entity('workflow_schedules')
/** The firing loop reads only due rows, through this index; inactive schedules have no nextDueAt. */
@Index('IDX_workflow_schedules_next_due', ['nextDueAt'], { where: '"nextDueAt" IS NOT NULL' })
@Index('IDX_workflow_schedules_buffered', ['bufferedExecutionId'], { where: '"bufferedExecutionId" IS NOT NULL' })
export class WorkflowScheduleEntity {
  @PrimaryColumn('uuid')
  workflowId: string;

  @OneToOne(() => WorkflowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workflowId' })
  workflow?: Relation<WorkflowEntity>;

  /** The schedule node's parameters with defaults applied. */
  @Column({ type: 'jsonb' })
  timetable: TimetableSpec;

  /** When the workflow was last activated or its timetable saved: an intervalMs timetable without startAt counts from here. */
  @Column({ type: 'timestamptz' })
  anchorAt: Date;

  /** The next due time to fire; null while the workflow is inactive or when the timetable has ended. */
  @Column({ type: 'timestamptz', nullable: true })
  nextDueAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastScheduledFor: Date | null;

  @Column({ type: 'uuid', nullable: true })
  lastExecutionId: string | null;

  /** overlap bufferOne: the firing that waits PENDING for the running one to end. */
  @Column({ type: 'uuid', nullable: true })
  bufferedExecutionId: string | null;

  /** Due times not fired (overlap, or missed while no replica ran) since the timetable was last saved. */
  @Column({ type: 'integer', default: 0 })
  skipped: number;
}
