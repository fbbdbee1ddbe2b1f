var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Module } from '@nestjs/common';
import { ExecutionEvents } from './execution-events.js';
import { ExecutionService } from './execution.service.js';
import { ExecutionsController } from './executions.controller.js';
import { ExecutionsRepository } from './executions.repository.js';
let ExecutionsModule = class ExecutionsModule {
};
ExecutionsModule = __decorate([
    Module({
        controllers: [ExecutionsController],
        providers: [ExecutionsRepository, ExecutionService, ExecutionEvents],
        exports: [ExecutionsRepository, ExecutionService, ExecutionEvents],
    })
], ExecutionsModule);
export { ExecutionsModule };
//# sourceMappingURL=executions.module.js.map