var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { oneOutput } from './node-executor.js';
export const mergeDescription = {
    type: 'merge',
    displayName: 'Merge',
    parameters: {
        type: 'object',
        properties: { mode: { type: 'string', enum: ['append', 'mergeObjects', 'passThrough'] } },
    },
    credentials: { types: [], required: false },
    outputs: oneOutput,
    sideEffects: false,
};
/**
 * Runs once all its live inputs finished (the engine waits, SPEC §7.3). `inputs` holds each input's
 * output by input index; inputs whose branch was skipped are absent (undefined).
 */
let MergeNode = class MergeNode {
    description = mergeDescription;
    async execute({ parameters, inputs, input }) {
        const live = inputs.filter((value) => value !== undefined);
        switch (parameters.mode ?? 'append') {
            case 'mergeObjects':
                return {
                    kind: 'success',
                    output: Object.assign({}, ...live.filter((value) => typeof value === 'object' && value !== null && !Array.isArray(value))),
                };
            case 'passThrough':
                return { kind: 'success', output: inputs[0] ?? input };
            default:
                return { kind: 'success', output: live };
        }
    }
};
MergeNode = __decorate([
    Injectable()
], MergeNode);
export { MergeNode };
//# sourceMappingURL=merge.node.js.map