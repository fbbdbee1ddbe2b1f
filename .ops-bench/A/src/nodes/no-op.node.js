var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { oneOutput } from './node-executor.js';
export const noOpDescription = {
    type: 'noOp',
    displayName: 'No operation',
    parameters: { type: 'object', properties: {} },
    credentials: { types: [], required: false },
    outputs: oneOutput,
    sideEffects: false,
};
let NoOpNode = class NoOpNode {
    description = noOpDescription;
    async execute({ input }) {
        return { kind: 'success', output: input };
    }
};
NoOpNode = __decorate([
    Injectable()
], NoOpNode);
export { NoOpNode };
//# sourceMappingURL=no-op.node.js.map