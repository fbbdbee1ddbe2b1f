import { Module, type OnModuleInit } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { ExecutionsModule } from '../executions/executions.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkflowsModule } from '../workflows/workflows.module.js';
import { CompletionWaiters } from './completion-waiters.js';
import { CredentialResolver } from './credential-resolver.js';
import { ErrorWorkflowRelay } from './error-workflow-relay.js';
import { ExecutionEngine } from './execution-engine.js';
import { ExecutionQueue } from './execution-queue.js';
import { completionRelayProvider, executionQueueProvider } from './queue/execution-queue.provider.js';
import { ExecutionRetryController } from './execution-retry.controller.js';
import { ExpressionEvaluator } from '../expressions/expression-evaluator.js';
import { ManualRunService } from './manual-run.service.js';
import { NodeRunner } from './node-runner.js';
import { ResumeTokens } from './resume-tokens.js';
import { RetryService } from './retry.service.js';
import { WorkflowDefinitions } from './workflow-definitions.js';
import { WorkflowRunController } from './workflow-run.controller.js';
import { Subworkflows } from './subworkflows.js';
import { ConcurrencyKeys } from './concurrency/concurrency-keys.js';
import { ConcurrencyRepository } from './concurrency/concurrency.repository.js';
import { SubworkflowPort } from '../nodes/subworkflow-port.js';

@Module({
  imports: [ExecutionsModule, CredentialsModule, WorkflowsModule, UsersModule],
  controllers: [WorkflowRunController, ExecutionRetryController],
  providers: [WorkflowDefinitions, ExpressionEvaluator, CredentialResolver, NodeRunner, CompletionWaiters, completionRelayProvider, ExecutionEngine, executionQueueProvider, ManualRunService, ResumeTokens, RetryService, ErrorWorkflowRelay, Subworkflows, ConcurrencyKeys, ConcurrencyRepository],
  exports: [WorkflowDefinitions, CompletionWaiters, ExecutionEngine, ExecutionQueue, ResumeTokens, ConcurrencyKeys],
})
export class EngineModule implements OnModuleInit {
  constructor(
    private readonly subworkflowPort: SubworkflowPort,
    private readonly subworkflows: Subworkflows,
  ) {}

  onModuleInit(): void {
    this.subworkflowPort.starter = this.subworkflows;
  }
}
