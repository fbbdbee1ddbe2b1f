import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The instance-wide settings: one row (id 1), created by the migration. */
@Entity('instance_settings')
@Check('CHK_instance_settings_single_row', '"id" = 1')
export class InstanceSettingsEntity {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id: number;

  /** The error workflow of every workflow whose `settings.errorWorkflow` is absent. */
  @Column({ type: 'uuid', nullable: true })
  defaultErrorWorkflowId: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
