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
import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../config/app-config.js';
import { CredentialCipher } from '../credentials/credential-crypto.js';
const MAC_BYTES = 16;
/**
 * Resume URLs of wait nodes (SPEC §6): `<execution id>.<node name>.<mac>`, signed with a key derived
 * from the encryption key. Nothing is stored: a token is fixed when the execution starts, and it
 * only works while the execution waits at that node (single use by construction).
 */
let ResumeTokens = class ResumeTokens {
    config;
    key;
    constructor(cipher, config) {
        this.config = config;
        this.key = cipher.deriveKey('resume-tokens');
    }
    token(executionId, nodeName) {
        const node = Buffer.from(nodeName, 'utf8').toString('base64url');
        return `${executionId}.${node}.${this.mac(executionId, nodeName).toString('base64url')}`;
    }
    url(executionId, nodeName) {
        return `${this.config.publicUrl}/webhook/resume/${this.token(executionId, nodeName)}`;
    }
    /** `$execution.resumeUrl`: the URL of the workflow's first resume-mode wait node, if any. */
    resumeUrlFor(executionId, graph) {
        for (const node of graph.nodes.values()) {
            if (node.type === 'wait' && node.parameters?.mode === 'resume')
                return this.url(executionId, node.name);
        }
        return null;
    }
    /** The execution and node a token names, or undefined when it is malformed or forged. */
    verify(token) {
        const parts = token.split('.');
        if (parts.length !== 3 || token.length > 2048)
            return undefined;
        const [executionId, encodedNode, mac] = parts;
        if (!/^[0-9a-f-]{36}$/i.test(executionId))
            return undefined;
        const nodeName = Buffer.from(encodedNode, 'base64url').toString('utf8');
        const presented = Buffer.from(mac, 'base64url');
        const expected = this.mac(executionId, nodeName);
        if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
            return undefined;
        return { executionId, nodeName };
    }
    mac(executionId, nodeName) {
        return createHmac('sha256', this.key).update(`${executionId}\0${nodeName}`).digest().subarray(0, MAC_BYTES);
    }
};
ResumeTokens = __decorate([
    Injectable(),
    __param(1, Inject(APP_CONFIG)),
    __metadata("design:paramtypes", [CredentialCipher, Object])
], ResumeTokens);
export { ResumeTokens };
//# sourceMappingURL=resume-tokens.js.map