var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Inject, Injectable } from '@nestjs/common';
import { NODE_EXECUTORS } from './node-executor.js';
/**
 * Node types described for validation whose executors are not in this build yet: a workflow using
 * them saves, and the node fails at run time saying so. An executor registered for the same type
 * replaces the description.
 */
const DESCRIBED_ONLY = [];
/** Node types by name; the engine and the validator ask it, never a switch over types. */
let NodeRegistry = class NodeRegistry {
    executors = new Map();
    descriptions = new Map();
    constructor(executors) {
        for (const description of DESCRIBED_ONLY)
            this.descriptions.set(description.type, description);
        for (const executor of executors) {
            this.executors.set(executor.description.type, executor);
            this.descriptions.set(executor.description.type, executor.description);
        }
    }
    describe(type) {
        return this.descriptions.get(type);
    }
    executor(type) {
        return this.executors.get(type);
    }
    types() {
        return [...this.descriptions.keys()].sort();
    }
};
NodeRegistry = __decorate([
    Injectable(),
    __param(0, Inject(NODE_EXECUTORS)),
    __metadata("design:paramtypes", [Array])
], NodeRegistry);
export { NodeRegistry };
//# sourceMappingURL=node-registry.js.map