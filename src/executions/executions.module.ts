import { Module } from '@nestjs/common';
import { ErrorWorkflowOutboxRepository } from './error-workflows/error-workflow-outbox.repository.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { ExecutionViewController } from './execution-view.controller.js';
import { ExecutionService } from './execution.service.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsRepository } from './executions.repository.js';
import { ViewLinks } from './view-links.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';

@Module({
  // CredentialCipher: view links are signed with a key derived from the encryption key.
  imports: [CredentialsModule, WorkflowsModule],
  controllers: [ExecutionsController, ExecutionViewController],
  providers: [ExecutionsRepository, ExecutionService, ErrorWorkflowOutboxRepository, ViewLinks],
  exports: [ExecutionsRepository, ExecutionService, ErrorWorkflowOutboxRepository, ViewLinks],
})
export class ExecutionsModule {}
