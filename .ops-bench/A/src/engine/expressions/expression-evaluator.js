var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import jsonata from 'jsonata';
import { compileTemplate, hasExpression } from './template.js';
/** SPEC §7.2: every evaluation is bounded in time. */
export const EVALUATION_TIMEOUT_MS = 50;
/** Bounds on what an expression may build: call depth, sequence length, string length. */
const MAX_DEPTH = 300;
const MAX_SEQUENCE = 100_000;
const MAX_RESULT_STRING = 5 * 1024 * 1024;
const CACHE_LIMIT = 20_000;
export class ExpressionError extends Error {
    constructor(path, reason) {
        super(`Expression error in parameter "${path}": ${reason}`);
    }
}
const JSONATA_OPTIONS = { timeout: EVALUATION_TIMEOUT_MS, stack: MAX_DEPTH, sequence: MAX_SEQUENCE };
/**
 * Compiles each distinct template once (sources are shared across runs and versions) and evaluates
 * with JSONata: data-only, no JavaScript evaluation, nothing bound that reaches the process.
 */
let ExpressionEvaluator = class ExpressionEvaluator {
    cache = new Map();
    template(source) {
        let compiled = this.cache.get(source);
        if (!compiled) {
            compiled = compileTemplate(source, (expression) => jsonata(expression, JSONATA_OPTIONS));
            if (this.cache.size >= CACHE_LIMIT)
                this.cache.clear();
            this.cache.set(source, compiled);
        }
        return compiled;
    }
    /** A whole `{{ }}` keeps its JSON type; a template renders into a string. */
    async evaluate(source, bindings, path) {
        let template;
        try {
            template = this.template(source);
        }
        catch (error) {
            throw new ExpressionError(path, error.message);
        }
        if (template.whole)
            return this.run(template.parts[0], bindings, path);
        let rendered = '';
        for (const part of template.parts) {
            rendered += part.kind === 'text' ? part.text : render(await this.run(part, bindings, path));
            if (rendered.length > MAX_RESULT_STRING)
                throw new ExpressionError(path, 'the rendered string is too large');
        }
        return rendered;
    }
    async run(part, bindings, path) {
        let result;
        try {
            result = await part.compiled.evaluate(bindings.json, bindings);
        }
        catch (error) {
            throw new ExpressionError(path, describe(error));
        }
        if (typeof result === 'string' && result.length > MAX_RESULT_STRING)
            throw new ExpressionError(path, 'the result is too large');
        return normalise(result);
    }
    /** Resolves every expression in a parameter tree; values without expressions are returned as they are. */
    async resolve(value, bindings, path = '') {
        if (typeof value === 'string')
            return hasExpression(value) ? this.evaluate(value, bindings, path) : value;
        if (Array.isArray(value)) {
            const out = [];
            for (let i = 0; i < value.length; i++)
                out.push(await this.resolve(value[i], bindings, `${path}[${i}]`));
            return out;
        }
        if (value && typeof value === 'object') {
            const out = {};
            for (const [key, child] of Object.entries(value))
                out[key] = await this.resolve(child, bindings, path ? `${path}.${key}` : key);
            return out;
        }
        return value;
    }
};
ExpressionEvaluator = __decorate([
    Injectable()
], ExpressionEvaluator);
export { ExpressionEvaluator };
/** True when a parameter tree holds any expression: nodes without one skip resolution entirely. */
export function containsExpression(value) {
    if (typeof value === 'string')
        return hasExpression(value);
    if (Array.isArray(value))
        return value.some(containsExpression);
    if (value && typeof value === 'object')
        return Object.values(value).some(containsExpression);
    return false;
}
function render(value) {
    if (value === undefined || value === null)
        return '';
    if (typeof value === 'object')
        return JSON.stringify(value);
    return String(value);
}
/** JSONata sequences are arrays with extra flags, and functions are not data: plain JSON only. */
function normalise(value) {
    if (value === undefined || value === null)
        return value ?? null;
    if (typeof value === 'function')
        return null;
    if (typeof value === 'object')
        return JSON.parse(JSON.stringify(value));
    return value;
}
function describe(error) {
    const candidate = error;
    if (candidate?.code === 'D1012')
        return `evaluation took longer than ${EVALUATION_TIMEOUT_MS} ms`;
    if (candidate?.code === 'D1011')
        return 'expression nested too deeply';
    if (candidate?.code === 'D2015' || candidate?.code === 'D2014')
        return 'expression built a sequence that is too large';
    if (error instanceof RangeError)
        return 'expression nested too deeply';
    return candidate?.message ?? String(error);
}
//# sourceMappingURL=expression-evaluator.js.map