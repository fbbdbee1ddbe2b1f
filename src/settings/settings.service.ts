import { Injectable } from '@nestjs/common';
import { invalid } from '../common/app-error.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import { SettingsRepository, type InstanceSettings } from './settings.repository.js';

/** Instance-wide settings (admins only): today, the default error workflow. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly repository: SettingsRepository,
    private readonly workflows: WorkflowsService,
  ) {}

  get(): Promise<InstanceSettings> {
    return this.repository.get();
  }

  async update(changes: { defaultErrorWorkflowId?: string | null }): Promise<InstanceSettings> {
    if (changes.defaultErrorWorkflowId === undefined) return this.repository.get();
    const id = changes.defaultErrorWorkflowId;
    if (id !== null && !(await this.workflows.getWorkflowById(id))) throw invalid(`defaultErrorWorkflowId: workflow ${id} does not exist`);
    return this.repository.setDefaultErrorWorkflow(id);
  }
}
