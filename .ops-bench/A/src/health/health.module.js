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
import { Global, Inject, Module, RequestMethod } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { APP_CONFIG } from '../config/app-config.js';
import { HealthController } from './health.controller.js';
import { RedisHealth } from './redis-health.js';
import { ShutdownState } from './shutdown-state.js';
import { WorkerRoutesMiddleware } from './worker-routes.middleware.js';
let HealthModule = class HealthModule {
    config;
    constructor(config) {
        this.config = config;
    }
    configure(consumer) {
        if (this.config.appRole === 'worker')
            consumer.apply(WorkerRoutesMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
    }
};
HealthModule = __decorate([
    Global(),
    Module({
        imports: [TerminusModule.forRoot({ logger: false })],
        controllers: [HealthController],
        providers: [ShutdownState, RedisHealth],
        exports: [ShutdownState],
    }),
    __param(0, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [Object])
], HealthModule);
export { HealthModule };
//# sourceMappingURL=health.module.js.map