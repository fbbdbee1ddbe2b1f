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
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
/** From a trigger-and-condition run (a few ms) to a long HTTP chain near the 300 s default timeout. */
const EXECUTION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Pure nodes take microseconds; outside calls up to the 60 s default node timeout. */
const NODE_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/**
 * The Prometheus metrics of SPEC §10, in a registry of its own (so several apps in one process, as
 * in the tests, never collide). Hot-path methods only bump counters: children for each label value
 * are cached so a call allocates nothing.
 */
let MetricsService = class MetricsService {
    registry = new Registry();
    started;
    finished;
    executionDuration;
    nodeDuration;
    webhookRequests;
    webhookByCode = new Map();
    backlog;
    lastPending = { count: 0, oldestAgeSeconds: 0 };
    pendingRead;
    constructor() {
        const registers = [this.registry];
        collectDefaultMetrics({ register: this.registry });
        this.started = new Counter({ name: 'workflow_executions_started_total', help: 'Executions taken up by a worker of this process, by mode', labelNames: ['mode'], registers });
        this.finished = new Counter({
            name: 'workflow_executions_finished_total',
            help: 'Executions that reached a final status in this process, by status',
            labelNames: ['status'],
            registers,
        });
        this.executionDuration = new Histogram({
            name: 'workflow_execution_duration_seconds',
            help: 'Time from an execution starting to its final status',
            buckets: EXECUTION_BUCKETS,
            registers,
        });
        this.nodeDuration = new Histogram({
            name: 'workflow_node_duration_seconds',
            help: 'Time one node took, retries included, by node type and outcome',
            labelNames: ['node_type', 'status'],
            buckets: NODE_BUCKETS,
            registers,
        });
        this.webhookRequests = new Counter({ name: 'webhook_requests_total', help: 'Answers given on /webhook/ routes, by HTTP status code', labelNames: ['status_code'], registers });
        const queueDepth = new Gauge({
            name: 'workflow_execution_queue_depth',
            help: "Executions waiting in this process's in-process queue",
            registers,
            collect: () => queueDepth.set(this.backlog?.queueDepth() ?? 0),
        });
        const pending = new Gauge({
            name: 'workflow_executions_pending',
            help: 'PENDING executions in the database (every replica reports the same number: use max)',
            registers,
            collect: async () => pending.set((await this.readPending()).count),
        });
        const oldest = new Gauge({
            name: 'workflow_execution_oldest_pending_age_seconds',
            help: 'Age of the oldest PENDING execution; 0 when there is none',
            registers,
            collect: async () => oldest.set((await this.readPending()).oldestAgeSeconds),
        });
    }
    /** Wired once at start-up by MetricsBindings. */
    setBacklogSource(source) {
        this.backlog = source;
    }
    executionStarted(mode) {
        this.started.inc({ mode });
    }
    executionFinished(status, durationSeconds) {
        this.finished.inc({ status });
        if (durationSeconds !== undefined)
            this.executionDuration.observe(Math.max(0, durationSeconds));
    }
    nodeFinished(nodeType, status, durationSeconds) {
        this.nodeDuration.observe({ node_type: nodeType, status }, Math.max(0, durationSeconds));
    }
    webhookAnswered(statusCode) {
        let counter = this.webhookByCode.get(statusCode);
        if (!counter) {
            counter = this.webhookRequests.labels(String(statusCode));
            this.webhookByCode.set(statusCode, counter);
        }
        counter.inc();
    }
    /** The Prometheus text exposition of every metric. */
    render() {
        return this.registry.metrics();
    }
    get contentType() {
        return this.registry.contentType;
    }
    /**
     * Both pending gauges come from one query per scrape: prom-client calls every collect before
     * awaiting any, so the second gauge reuses the first one's promise. A failed or slow query keeps
     * the last known values.
     */
    readPending() {
        this.pendingRead ??= (async () => {
            try {
                const value = await this.backlog?.pending();
                if (value)
                    this.lastPending = value;
            }
            catch {
                // The database being down shows in /health/ready; the scrape itself must still answer.
            }
            return this.lastPending;
        })().finally(() => (this.pendingRead = undefined));
        return this.pendingRead;
    }
    onApplicationShutdown() {
        this.registry.clear();
    }
};
MetricsService = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [])
], MetricsService);
export { MetricsService };
//# sourceMappingURL=metrics.service.js.map