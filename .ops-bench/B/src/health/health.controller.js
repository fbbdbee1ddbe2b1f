var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiRoute } from '../common/api-docs.js';
import { Public } from '../common/auth.decorators.js';
import { DatabaseLifecycle } from '../database/database.lifecycle.js';
import { RedisHealth } from './redis-health.js';
import { ShutdownState } from './shutdown-state.js';
const PING_TIMEOUT_MS = 2000;
let HealthController = class HealthController {
    health;
    indicators;
    database;
    shutdown;
    redis;
    constructor(health, indicators, database, shutdown, redis) {
        this.health = health;
        this.indicators = indicators;
        this.database = database;
        this.shutdown = shutdown;
        this.redis = redis;
    }
    live() {
        // Touches no dependency: a database outage must not make Kubernetes restart healthy pods.
        return { status: 'ok' };
    }
    ready() {
        if (this.shutdown.isShuttingDown)
            throw new ServiceUnavailableException('Shutting down');
        return this.health.check(this.dependencyChecks());
    }
    report() {
        return this.health.check([...this.dependencyChecks(), () => this.shutdownCheck()]);
    }
    dependencyChecks() {
        const checks = [() => this.databaseCheck(), () => this.migrationsCheck()];
        if (this.redis.enabled)
            checks.push(() => this.redisCheck());
        return checks;
    }
    async redisCheck() {
        const check = this.indicators.check('redis');
        try {
            await this.redis.ping(PING_TIMEOUT_MS);
            return check.up();
        }
        catch (error) {
            return check.down({ message: error.message });
        }
    }
    async databaseCheck() {
        const check = this.indicators.check('database');
        try {
            await withTimeout(this.database.dataSource.query('SELECT 1'), PING_TIMEOUT_MS);
            return check.up({ embedded: this.database.isEmbedded });
        }
        catch (error) {
            return check.down({ message: error.message });
        }
    }
    async migrationsCheck() {
        const check = this.indicators.check('migrations');
        try {
            return (await withTimeout(this.database.migrationsApplied(), PING_TIMEOUT_MS)) ? check.up() : check.down({ message: 'migrations pending' });
        }
        catch (error) {
            return check.down({ message: error.message });
        }
    }
    shutdownCheck() {
        const check = this.indicators.check('lifecycle');
        return this.shutdown.isShuttingDown ? check.down({ message: 'shutting down' }) : check.up();
    }
};
__decorate([
    Get('live'),
    ApiRoute({ summary: 'Liveness: the process and its event loop respond', public: true }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Object)
], HealthController.prototype, "live", null);
__decorate([
    Get('ready'),
    HealthCheck(),
    ApiRoute({ summary: 'Readiness: database (and Redis in queue mode) reachable, migrations applied, not shutting down', public: true, errors: [503] }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], HealthController.prototype, "ready", null);
__decorate([
    Get(),
    HealthCheck(),
    ApiRoute({ summary: 'Detailed report of every check', public: true, errors: [503] }),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], HealthController.prototype, "report", null);
HealthController = __decorate([
    ApiTags('health'),
    Public(),
    Controller('health'),
    __metadata("design:paramtypes", [HealthCheckService,
        HealthIndicatorService,
        DatabaseLifecycle,
        ShutdownState,
        RedisHealth])
], HealthController);
export { HealthController };
function withTimeout(promise, ms) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
//# sourceMappingURL=health.controller.js.map