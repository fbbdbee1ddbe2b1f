var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { respondToWebhookDescription } from './respond-to-webhook.description.js';
/** Answers the waiting webhook caller at once (responseMode responseNode); the execution goes on. */
let RespondToWebhookNode = class RespondToWebhookNode {
    description = respondToWebhookDescription;
    async execute({ parameters, input, respond }) {
        const headers = {};
        for (const [name, value] of Object.entries(parameters.headers ?? {}))
            headers[name] = String(value);
        const statusCode = parameters.statusCode === undefined ? 200 : Number(parameters.statusCode);
        if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
            return { kind: 'failed', error: 'parameter "statusCode" must be an HTTP status code' };
        respond({ statusCode, headers, body: parameters.body === undefined ? input : parameters.body });
        return { kind: 'success', output: input };
    }
};
RespondToWebhookNode = __decorate([
    Injectable()
], RespondToWebhookNode);
export { RespondToWebhookNode };
//# sourceMappingURL=respond-to-webhook.node.js.map