var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { Injectable } from '@nestjs/common';
import { applyOperator, CONDITION_OPERATORS } from './condition-operators.js';
import { isExpression } from './parameter-schema.js';
import { checkSafeRegex } from './safe-regex.js';
function groupsOf(parameters) {
    return Array.isArray(parameters.conditions) ? parameters.conditions : [];
}
export const conditionDescription = {
    type: 'condition',
    displayName: 'Condition',
    parameters: {
        type: 'object',
        properties: {
            conditions: {
                type: 'array',
                required: true,
                items: {
                    type: 'object',
                    required: true,
                    properties: {
                        output: { type: 'number', integer: true, min: 0, max: 63, required: true },
                        combinator: { type: 'string', enum: ['AND', 'OR'] },
                        rules: {
                            type: 'array',
                            required: true,
                            minItems: 1,
                            items: {
                                type: 'object',
                                required: true,
                                properties: {
                                    field: { type: 'any' },
                                    operator: { type: 'string', enum: CONDITION_OPERATORS, required: true },
                                    value: { type: 'any' },
                                },
                            },
                        },
                    },
                },
            },
            defaultOutput: { type: 'number', integer: true, min: 0, max: 63 },
        },
    },
    credentials: { types: [], required: false },
    outputs(parameters) {
        const outputs = groupsOf(parameters).map((group) => (typeof group.output === 'number' ? group.output : 0));
        if (typeof parameters.defaultOutput === 'number')
            outputs.push(parameters.defaultOutput);
        return Math.max(1, ...outputs.map((output) => output + 1));
    },
    sideEffects: false,
    validate(node) {
        const errors = [];
        groupsOf(node.parameters).forEach((group, g) => (Array.isArray(group?.rules) ? group.rules : []).forEach((rule, r) => {
            if (rule?.operator !== 'matchesRegex' || typeof rule.value !== 'string' || isExpression(rule.value))
                return;
            try {
                checkSafeRegex(rule.value);
            }
            catch (error) {
                errors.push(`parameter "conditions[${g}].rules[${r}].value" is not a valid regular expression: ${error.message}`);
            }
        }));
        return errors;
    },
};
/** SPEC §6: groups tried in order; the first that matches picks its output, else `defaultOutput`. */
let ConditionNode = class ConditionNode {
    description = conditionDescription;
    async execute({ parameters, input }) {
        for (const group of groupsOf(parameters)) {
            const results = group.rules.map((rule) => applyOperator(rule.operator, rule.field, rule.value));
            const matched = group.combinator === 'OR' ? results.some(Boolean) : results.every(Boolean);
            if (matched)
                return { kind: 'success', output: input, branch: group.output };
        }
        const fallback = parameters.defaultOutput;
        return { kind: 'success', output: input, branch: typeof fallback === 'number' ? fallback : null };
    }
};
ConditionNode = __decorate([
    Injectable()
], ConditionNode);
export { ConditionNode };
//# sourceMappingURL=condition.node.js.map