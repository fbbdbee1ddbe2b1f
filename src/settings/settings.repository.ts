import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface InstanceSettings {
  defaultErrorWorkflowId: string | null;
  updatedAt: Date;
}

/** The one row of `instance_settings` (created by its migration). */
@Injectable()
export class SettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<InstanceSettings> {
    const rows: InstanceSettings[] = await this.dataSource.query('SELECT "defaultErrorWorkflowId", "updatedAt" FROM instance_settings WHERE id = 1');
    return rows[0] ?? { defaultErrorWorkflowId: null, updatedAt: new Date(0) };
  }

  async setDefaultErrorWorkflow(workflowId: string | null): Promise<InstanceSettings> {
    const rows: InstanceSettings[] = await this.dataSource.query(
      `INSERT INTO instance_settings (id, "defaultErrorWorkflowId", "updatedAt") VALUES (1, $1, now())
       ON CONFLICT (id) DO UPDATE SET "defaultErrorWorkflowId" = EXCLUDED."defaultErrorWorkflowId", "updatedAt" = now()
       RETURNING "defaultErrorWorkflowId", "updatedAt"`,
      [workflowId],
    );
    return rows[0];
  }
}
