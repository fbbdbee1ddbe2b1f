var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Global, Module } from '@nestjs/common';
import { ConditionNode } from './condition.node.js';
import { HttpRequestNode } from './http-request.node.js';
import { MergeNode } from './merge.node.js';
import { NODE_EXECUTORS } from './node-executor.js';
import { NodeRegistry } from './node-registry.js';
import { NoOpNode } from './no-op.node.js';
import { SendEmailNode } from './send-email.node.js';
import { SendTelegramNode } from './send-telegram.node.js';
import { SetNode } from './set.node.js';
import { RespondToWebhookNode } from './respond-to-webhook.node.js';
import { TriggerNode } from './trigger.node.js';
import { WaitNode } from './wait.node.js';
/** Adding a node type: write its executor class and list it here. Nothing else changes. */
const EXECUTORS = [TriggerNode, ConditionNode, SetNode, MergeNode, NoOpNode, WaitNode, RespondToWebhookNode, HttpRequestNode, SendEmailNode, SendTelegramNode];
let NodesModule = class NodesModule {
};
NodesModule = __decorate([
    Global(),
    Module({
        providers: [
            ...EXECUTORS,
            { provide: NODE_EXECUTORS, useFactory: (...executors) => executors, inject: EXECUTORS },
            NodeRegistry,
        ],
        exports: [NodeRegistry],
    })
], NodesModule);
export { NodesModule };
//# sourceMappingURL=nodes.module.js.map