var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { oneOutput } from './node-executor.js';
export const setDescription = {
    type: 'set',
    displayName: 'Set',
    parameters: {
        type: 'object',
        properties: {
            values: { type: 'object', required: true, additional: 'any', description: 'The object to build; values may be expressions' },
            includeInput: { type: 'boolean', description: 'Merge the values over the input object' },
        },
    },
    credentials: { types: [], required: false },
    outputs: oneOutput,
    sideEffects: false,
};
const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
let SetNode = class SetNode {
    description = setDescription;
    async execute({ parameters, input }) {
        const values = isPlainObject(parameters.values) ? parameters.values : {};
        const output = parameters.includeInput === true && isPlainObject(input) ? { ...input, ...values } : { ...values };
        return { kind: 'success', output };
    }
};
SetNode = __decorate([
    Injectable()
], SetNode);
export { SetNode };
//# sourceMappingURL=set.node.js.map