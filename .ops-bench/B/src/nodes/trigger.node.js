var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { triggerDescription } from './trigger.description.js';
/**
 * The request was validated against `requiredFields`/`schema` at ingestion (a failing request gets
 * 400 and no execution), so at run time the trigger only hands the redacted request on.
 */
let TriggerNode = class TriggerNode {
    description = triggerDescription;
    async execute({ input }) {
        return { kind: 'success', output: input };
    }
};
TriggerNode = __decorate([
    Injectable()
], TriggerNode);
export { TriggerNode };
//# sourceMappingURL=trigger.node.js.map