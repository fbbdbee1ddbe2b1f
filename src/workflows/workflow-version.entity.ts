import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { WorkflowConnections, WorkflowNode, WorkflowSettings } from './workflow.types.js';

/**
 * An immutable snapshot of a workflow's definition, written with every change. Executions point at
 * (workflowId, version) so a run stays explainable after edits, and survives the workflow's deletion
 * (hence no foreign key).
 */
@Entity('workflow_versions')
export class WorkflowVersionEntity {
  @PrimaryColumn('uuid')
  workflowId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  nodes: WorkflowNode[];

  @Column({ type: 'jsonb' })
  connections: WorkflowConnections;

  @Column({ type: 'jsonb' })
  settings: WorkflowSettings;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
