import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A FAILED execution whose error workflow has not been started yet. Rows are written by a database
 * trigger in the transaction that stores the FAILED state (migration FailureHandling), and removed
 * by ErrorWorkflowRelay in the transaction that creates the error execution.
 */
@Entity('error_workflow_outbox')
export class ErrorWorkflowOutboxEntity {
  @PrimaryColumn('uuid')
  executionId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
