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
import { DataSource } from 'typeorm';
/**
 * One primary-key join per request. Not cached on purpose: deactivating a workflow or webhook must
 * take effect for the very next request, on every replica.
 */
let WebhookRoutes = class WebhookRoutes {
    dataSource;
    constructor(dataSource) {
        this.dataSource = dataSource;
    }
    async find(id) {
        const rows = await this.dataSource.query(`SELECT h.id, h.method, h."responseMode", h."responseTimeoutMs", h.authentication, h."idempotencyHeader", h."rateLimit", h.active,
              w.id AS "workflowId", w.active AS "workflowActive", w."ownerId", w.version
         FROM webhooks h JOIN workflows w ON w.id = h."workflowId"
        WHERE h.id = $1`, [id]);
        return rows[0];
    }
};
WebhookRoutes = __decorate([
    Injectable(),
    __metadata("design:paramtypes", [DataSource])
], WebhookRoutes);
export { WebhookRoutes };
//# sourceMappingURL=webhook-routes.js.map