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
import { APP_CONFIG } from '../config/app-config.js';
import { displayUrl, GuardedHttpClient } from './http/guarded-http-client.js';
import { planHttpRequest } from './http/http-request-parameters.js';
import { decodeBody, excerpt } from './http/response-body.js';
import { secretForms, scrubText, scrubValue } from './http/secret-scrub.js';
import { SsrfGuard } from './http/ssrf-guard.js';
import { httpRequestDescription } from './http-request.description.js';
/**
 * SPEC §6 `httpRequest`: any http(s) call a workflow asks for, through the SSRF guard of SPEC §9.4.
 * Output `{ status, headers, data }`; credential values are scrubbed from it and from errors.
 */
let HttpRequestNode = class HttpRequestNode {
    description = httpRequestDescription;
    client;
    constructor(config) {
        this.client = new GuardedHttpClient(new SsrfGuard({ allowPrivateNetworks: config.httpAllowPrivateNetworks, allowedHosts: config.httpAllowedHosts }));
    }
    async execute(context) {
        let secrets = [];
        try {
            const plan = await planHttpRequest(context);
            secrets = secretForms(plan.secrets);
            return scrubValue(await this.call(plan, context.signal), secrets);
        }
        catch (error) {
            return { kind: 'failed', error: scrubText(error instanceof Error ? error.message : String(error), secrets) };
        }
    }
    async call(plan, signal) {
        const response = await this.client.send({ ...plan, signal });
        const contentType = response.headers['content-type'];
        if (plan.failOnHttpError && response.status >= 400) {
            const text = excerpt(response.body.toString('utf8'));
            const reason = response.statusText ? ` ${response.statusText}` : '';
            return { kind: 'failed', error: `HTTP ${response.status}${reason} from ${plan.method} ${displayUrl(response.url)}${text ? `: ${text}` : ''}` };
        }
        const data = decodeBody(response.body, plan.responseFormat, Array.isArray(contentType) ? contentType[0] : contentType);
        return { kind: 'success', output: { status: response.status, headers: response.headers, data } };
    }
    onApplicationShutdown() {
        return this.client.close();
    }
};
HttpRequestNode = __decorate([
    Injectable(),
    __param(0, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [Object])
], HttpRequestNode);
export { HttpRequestNode };
//# sourceMappingURL=http-request.node.js.map