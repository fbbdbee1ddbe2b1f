import { Global, Module, type Type } from '@nestjs/common';
import { ConditionNode } from './condition.node.js';
import { HttpRequestNode } from './http-request.node.js';
import { MergeNode } from './merge.node.js';
import { NODE_EXECUTORS, type NodeExecutor } from './node-executor.js';
import { NodeRegistry } from './node-registry.js';
import { NodeTypesController } from './node-types.controller.js';
import { NoOpNode } from './no-op.node.js';
import { SendEmailNode } from './send-email.node.js';
import { SendTelegramNode } from './send-telegram.node.js';
import { SetNode } from './set.node.js';
import { ScheduleNode } from './schedule.node.js';
import { RespondToWebhookNode } from './respond-to-webhook.node.js';
import { TriggerNode } from './trigger.node.js';
import { WaitNode } from './wait.node.js';
import { ExecuteWorkflowNode } from './execute-workflow.node.js';
import { SubworkflowPort } from './subworkflow-port.js';

/** Adding a node type: write its executor class and list it here. Nothing else changes. */
const EXECUTORS: Type<NodeExecutor>[] = [TriggerNode, ConditionNode, SetNode, MergeNode, NoOpNode, WaitNode, RespondToWebhookNode, HttpRequestNode, SendEmailNode, SendTelegramNode, ScheduleNode, ExecuteWorkflowNode];

@Global()
@Module({
  controllers: [NodeTypesController],
  providers: [
    ...EXECUTORS,
    { provide: NODE_EXECUTORS, useFactory: (...executors: NodeExecutor[]) => executors, inject: EXECUTORS },
    NodeRegistry,
    SubworkflowPort,
  ],
  exports: [NodeRegistry, SubworkflowPort],
})
export class NodesModule {}
