import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn, type Relation } from 'typeorm';
import type { WorkflowConnections, WorkflowNode, WorkflowSettings } from './workflow.types.js';

@Entity('workflows')
@Index(['ownerId', 'id'])
export class WorkflowEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  ownerId: string;

  // Named, not imported: workflows/ does not depend on users/, and only the foreign key is needed here.
  @ManyToOne('UserEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ownerId' })
  owner?: Relation<{ id: string }>;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'boolean', default: false })
  active: boolean;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  nodes: WorkflowNode[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  connections: WorkflowConnections;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings: WorkflowSettings;

  /** Bumped on every change; PUT must name the version it read (optimistic locking). */
  @VersionColumn({ type: 'integer' })
  version: number;

  /** Flushed from in-memory counters every few seconds so it never becomes a hot row. */
  @Column({ type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string | null) => Number(v ?? 0) } })
  triggerCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
