import { Injectable } from '@nestjs/common';
import { applyOperator, CONDITION_OPERATORS, type ConditionOperator } from './condition-operators.js';
import type { NodeExecutor, NodeOutcome, NodeRunContext, NodeTypeDescription } from './node-executor.js';
import { isExpression } from './parameter-schema.js';
import { checkSafeRegex } from './safe-regex.js';

interface Rule {
  field: unknown;
  operator: ConditionOperator;
  value?: unknown;
}
interface Group {
  output: number;
  combinator?: 'AND' | 'OR';
  rules: Rule[];
}

function groupsOf(parameters: Record<string, unknown>): Group[] {
  return Array.isArray(parameters.conditions) ? (parameters.conditions as Group[]) : [];
}

export const conditionDescription: NodeTypeDescription = {
  type: 'condition',
  displayName: 'Condition',
  parameters: {
    type: 'object',
    properties: {
      conditions: {
        type: 'array',
        required: true,
        description: 'Groups tried in order; the first that matches picks its output',
        items: {
          type: 'object',
          required: true,
          properties: {
            output: { type: 'number', integer: true, min: 0, max: 63, required: true, description: 'The output this group leads to' },
            combinator: { type: 'string', enum: ['AND', 'OR'], default: 'AND', description: 'AND: every rule must match; OR: one is enough' },
            rules: {
              type: 'array',
              required: true,
              description: 'At least one rule, `{ field, operator, value }`',
              minItems: 1,
              items: {
                type: 'object',
                required: true,
                properties: {
                  field: { type: 'any', description: 'The value tested, usually an expression' },
                  operator: { type: 'string', enum: CONDITION_OPERATORS, required: true, description: 'Numbers compare as numbers when both sides are numeric' },
                  value: { type: 'any', description: 'What the field is compared with (not used by exists, notExists, isEmpty, isNotEmpty)' },
                },
              },
            },
          },
        },
      },
      defaultOutput: { type: 'number', integer: true, min: 0, max: 63, description: 'The output taken when no group matches; absent: no branch runs' },
    },
  },
  credentials: { types: [], required: false },
  outputs(parameters) {
    const outputs = groupsOf(parameters).map((group) => (typeof group.output === 'number' ? group.output : 0));
    if (typeof parameters.defaultOutput === 'number') outputs.push(parameters.defaultOutput);
    return Math.max(1, ...outputs.map((output) => output + 1));
  },
  sideEffects: false,
  instant: true,
  docs: {
    summary: 'Routes its input to one output: the first group of rules that matches picks it.',
    output: 'its input, unchanged; the node record notes the output taken',
    outputs: 'One per distinct `output` of its groups and `defaultOutput` (numbered from 0, up to the highest used)',
    example: {
      name: 'Check score',
      parameters: { conditions: [{ output: 0, combinator: 'AND', rules: [{ field: '{{ $trigger.body.score }}', operator: 'greaterThan', value: 90 }] }], defaultOutput: 1 },
    },
  },
  validate(node) {
    const errors: string[] = [];
    groupsOf(node.parameters).forEach((group, g) =>
      (Array.isArray(group?.rules) ? group.rules : []).forEach((rule, r) => {
        if (rule?.operator !== 'matchesRegex' || typeof rule.value !== 'string' || isExpression(rule.value)) return;
        try {
          checkSafeRegex(rule.value);
        } catch (error) {
          errors.push(`parameter "conditions[${g}].rules[${r}].value" is not a valid regular expression: ${(error as Error).message}`);
        }
      }),
    );
    return errors;
  },
};

/** docs/nodes.md: groups tried in order; the first that matches picks its output, else `defaultOutput`. */
@Injectable()
export class ConditionNode implements NodeExecutor {
  readonly description = conditionDescription;

  async execute({ parameters, input }: NodeRunContext): Promise<NodeOutcome> {
    for (const group of groupsOf(parameters)) {
      const results = group.rules.map((rule) => applyOperator(rule.operator, rule.field, rule.value));
      const matched = group.combinator === 'OR' ? results.some(Boolean) : results.every(Boolean);
      if (matched) return { kind: 'success', output: input, branch: group.output };
    }
    const fallback = parameters.defaultOutput;
    return { kind: 'success', output: input, branch: typeof fallback === 'number' ? fallback : null };
  }
}
