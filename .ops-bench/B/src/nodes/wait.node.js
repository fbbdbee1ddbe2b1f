var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { waitDescription } from './wait.description.js';
/**
 * Pauses the execution, which is stored WAITING and holds no worker (SPEC §6). What the node
 * outputs is decided when the execution continues: the resume request `{ body, query }`,
 * `{ timedOut: true }` after a resume timeout, or its input after a duration.
 */
let WaitNode = class WaitNode {
    description = waitDescription;
    async execute({ parameters }) {
        if (parameters.mode === 'duration') {
            const durationMs = Number(parameters.durationMs);
            if (!Number.isFinite(durationMs) || durationMs < 0)
                return { kind: 'failed', error: 'parameter "durationMs" must be a non-negative number' };
            return { kind: 'waiting', until: new Date(Date.now() + durationMs) };
        }
        if (parameters.mode === 'resume') {
            const timeoutMs = parameters.timeoutMs === undefined ? undefined : Number(parameters.timeoutMs);
            if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0))
                return { kind: 'failed', error: 'parameter "timeoutMs" must be a positive number' };
            return { kind: 'waiting', until: timeoutMs === undefined ? null : new Date(Date.now() + timeoutMs) };
        }
        return { kind: 'failed', error: `parameter "mode" must be duration or resume, got ${JSON.stringify(parameters.mode)}` };
    }
};
WaitNode = __decorate([
    Injectable()
], WaitNode);
export { WaitNode };
/** The output a wait node gets when its execution continues. */
export function waitOutput(mode, resumeData, input) {
    if (resumeData !== null && resumeData !== undefined)
        return resumeData;
    return mode === 'resume' ? { timedOut: true } : input;
}
//# sourceMappingURL=wait.node.js.map