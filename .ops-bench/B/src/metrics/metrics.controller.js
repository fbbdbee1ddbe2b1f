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
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiRoute } from '../common/api-docs.js';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth.decorators.js';
import { APP_CONFIG } from '../config/app-config.js';
import { MetricsService } from './metrics.service.js';
let MetricsController = class MetricsController {
    metrics;
    expected;
    constructor(metrics, config) {
        this.metrics = metrics;
        this.expected = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
    }
    async scrape(authorization, response) {
        if (this.expected && !this.authorized(authorization)) {
            throw new AppError('unauthorized', 'This endpoint needs Authorization: Bearer <METRICS_TOKEN>', { 'WWW-Authenticate': 'Bearer' });
        }
        const body = await this.metrics.render();
        response.status(200).type(this.metrics.contentType).send(body);
    }
    /** Compares digests, so neither the token's content nor its length leaks through timing. */
    authorized(header) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
        return match !== null && timingSafeEqual(digest(match[1]), this.expected);
    }
};
__decorate([
    Get(),
    ApiProduces('text/plain'),
    ApiRoute({
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Executions started and finished, execution and node durations, webhook answers by status code, queue depth, PENDING backlog and its oldest age, process metrics. Public unless METRICS_TOKEN is set; then send `Authorization: Bearer <METRICS_TOKEN>`.',
        public: true,
        errors: [401],
    }),
    __param(0, Headers('authorization')),
    __param(1, Res()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MetricsController.prototype, "scrape", null);
MetricsController = __decorate([
    ApiTags('health'),
    Public(),
    Controller('metrics'),
    __param(1, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [MetricsService, Object])
], MetricsController);
export { MetricsController };
const digest = (value) => createHash('sha256').update(value).digest();
//# sourceMappingURL=metrics.controller.js.map