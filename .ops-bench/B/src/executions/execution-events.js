var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
/**
 * Tells the engine of this process that an execution was canceled, without the executions module
 * depending on the engine (the engine depends on it).
 */
let ExecutionEvents = class ExecutionEvents {
    emitter = new EventEmitter();
    canceled(id) {
        this.emitter.emit('canceled', id);
    }
    onCanceled(listener) {
        this.emitter.on('canceled', listener);
    }
};
ExecutionEvents = __decorate([
    Injectable()
], ExecutionEvents);
export { ExecutionEvents };
//# sourceMappingURL=execution-events.js.map