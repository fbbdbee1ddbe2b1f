var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ExecutionQueue } from '../engine/execution-queue.js';
import { ExecutionEvents } from '../executions/execution-events.js';
import { MetricsService } from './metrics.service.js';
import { PendingExecutionsRepository } from './pending-executions.repository.js';
/**
 * Connects the metrics to the modules that own the numbers, looked up at start-up so that the
 * global metrics module imports none of them (they all inject MetricsService).
 */
let MetricsBindings = class MetricsBindings {
    metrics;
    pending;
    modules;
    constructor(metrics, pending, modules) {
        this.metrics = metrics;
        this.pending = pending;
        this.modules = modules;
    }
    onApplicationBootstrap() {
        const queue = this.find(ExecutionQueue);
        this.metrics.setBacklogSource({ queueDepth: () => queue?.depth ?? 0, pending: () => this.pending.read() });
        // A cancel ends an execution wherever it runs (or before it runs): counted where it is accepted.
        this.find(ExecutionEvents)?.onCanceled(() => this.metrics.executionFinished('CANCELED'));
    }
    find(token) {
        try {
            return this.modules.get(token, { strict: false });
        }
        catch {
            return undefined;
        }
    }
};
MetricsBindings = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [MetricsService,
        PendingExecutionsRepository,
        ModuleRef])
], MetricsBindings);
export { MetricsBindings };
//# sourceMappingURL=metrics-bindings.js.map