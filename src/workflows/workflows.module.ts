import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { WorkflowsController } from './workflows.controller.js';
import { WorkflowsRepository } from './workflows.repository.js';
import { WorkflowsService } from './workflows.service.js';

/** Workflow definitions: the REST API, and the one repository of the workflows tables for everything else. */
@Module({
  imports: [CredentialsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsRepository, WorkflowsService],
  exports: [WorkflowsService, WorkflowsRepository],
})
export class WorkflowsModule {}
