import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What a key makes unique (migration PartitionedExecutions). */
export type ExecutionKeyKind = 'webhook' | 'schedule' | 'child';

/**
 * The unique keys of executions, which the partitioned workflow_executions cannot enforce itself
 * (a unique index there must contain the partition key): a webhook's idempotency keys (scope: the
 * webhook), a schedule's due times (scope: the workflow) and a node run's child (scope: the parent
 * execution, key `index:node`). Written by the statement that inserts the execution, so a key
 * and its execution commit together; unkeyed executions write nothing here. Kept at least 4 days
 * (docs/retention-and-sizing.md).
 */
@Entity('execution_keys')
@Index('IDX_execution_keys_created_at', ['createdAt'])
export class ExecutionKeyEntity {
  @PrimaryColumn('uuid')
  scope: string;

  @PrimaryColumn('text')
  key: string;

  @Column({ type: 'text' })
  kind: ExecutionKeyKind;

  @Column({ type: 'uuid' })
  executionId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
