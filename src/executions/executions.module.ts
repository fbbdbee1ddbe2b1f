import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { ExecutionEvents } from './execution-events.js';
import { ExecutionViewController } from './execution-view.controller.js';
import { ExecutionService } from './execution.service.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsRepository } from './executions.repository.js';
import { ExecutionViewRepository } from './execution-view.repository.js';
import { ViewLinks } from './view-links.js';

@Module({
  // CredentialCipher: view links are signed with a key derived from the encryption key.
  imports: [CredentialsModule],
  controllers: [ExecutionsController, ExecutionViewController],
  providers: [ExecutionsRepository, ExecutionService, ExecutionEvents, ExecutionViewRepository, ViewLinks],
  exports: [ExecutionsRepository, ExecutionService, ExecutionEvents],
})
export class ExecutionsModule {}
