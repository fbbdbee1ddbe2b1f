import { Module } from '@nestjs/common';
import { ErrorWorkflowOutboxRepository } from './error-workflows/error-workflow-outbox.repository.js';
import { ExecutionEvents } from './execution-events.js';
import { ExecutionViewController } from './execution-view.controller.js';
import { ExecutionService } from './execution.service.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsRepository } from './executions.repository.js';

@Module({
  controllers: [ExecutionsController, ExecutionViewController],
  providers: [ExecutionsRepository, ExecutionService, ExecutionEvents, ErrorWorkflowOutboxRepository],
  exports: [ExecutionsRepository, ExecutionService, ExecutionEvents, ErrorWorkflowOutboxRepository],
})
export class ExecutionsModule {}
