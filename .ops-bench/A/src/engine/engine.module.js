var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { ExecutionEvents } from '../executions/execution-events.js';
import { ExecutionsModule } from '../executions/executions.module.js';
import { CompletionWaiters } from './completion-waiters.js';
import { CredentialResolver } from './credential-resolver.js';
import { CANCELED, ExecutionEngine } from './execution-engine.js';
import { ExecutionQueue } from './execution-queue.js';
import { executionQueueProvider } from './queue/execution-queue.provider.js';
import { ExecutionRetryController } from './execution-retry.controller.js';
import { ExpressionEvaluator } from './expressions/expression-evaluator.js';
import { ManualRunService } from './manual-run.service.js';
import { NodeRunner } from './node-runner.js';
import { ResumeTokens } from './resume-tokens.js';
import { RetryService } from './retry.service.js';
import { WorkflowDefinitions } from './workflow-definitions.js';
import { WorkflowRunController } from './workflow-run.controller.js';
let EngineModule = class EngineModule {
    events;
    engine;
    constructor(events, engine) {
        this.events = events;
        this.engine = engine;
    }
    onModuleInit() {
        this.events.onCanceled((id) => this.engine.abort(id, CANCELED));
    }
};
EngineModule = __decorate([
    Module({
        imports: [ExecutionsModule, CredentialsModule],
        controllers: [WorkflowRunController, ExecutionRetryController],
        providers: [WorkflowDefinitions, ExpressionEvaluator, CredentialResolver, NodeRunner, CompletionWaiters, ExecutionEngine, executionQueueProvider, ManualRunService, ResumeTokens, RetryService],
        exports: [WorkflowDefinitions, CompletionWaiters, ExecutionEngine, ExecutionQueue, ResumeTokens],
    }),
    __metadata("design:paramtypes", [ExecutionEvents,
        ExecutionEngine])
], EngineModule);
export { EngineModule };
//# sourceMappingURL=engine.module.js.map