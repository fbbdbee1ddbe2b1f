import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkflowEntity } from '../workflows/workflow.entity.js';
import type { ResponseMode, WebhookAuthentication, WebhookMethod, WebhookRateLimit } from './webhook.types.js';

@Entity('webhooks')
export class WebhookEntity {
  /** The `:id` of the public URL. */
  @PrimaryColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  workflowId: string;

  @ManyToOne(() => WorkflowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workflowId' })
  workflow?: Relation<WorkflowEntity>;

  /** Registered methods; a request with another gets 405 with `Allow`. */
  @Column({ type: 'text' })
  method: WebhookMethod;

  @Column({ type: 'text', default: 'onReceived' })
  responseMode: ResponseMode;

  @Column({ type: 'integer', default: 30000 })
  responseTimeoutMs: number;

  @Column({ type: 'jsonb', default: () => `'{"type": "none"}'` })
  authentication: WebhookAuthentication;

  @Column({ type: 'text', default: 'Idempotency-Key' })
  idempotencyHeader: string;

  @Column({ type: 'jsonb', nullable: true })
  rateLimit: WebhookRateLimit | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Flushed in batches; may lag by seconds. */
  @Column({ type: 'timestamptz', nullable: true })
  lastTriggeredAt: Date | null;
}
