import { compileSafeRegex } from './safe-regex.js';

export const CONDITION_OPERATORS = [
  'equals',
  'notEquals',
  'greaterThan',
  'lessThan',
  'greaterThanOrEqual',
  'lessThanOrEqual',
  'contains',
  'notContains',
  'startsWith',
  'endsWith',
  'matchesRegex',
  'exists',
  'notExists',
  'isEmpty',
  'isNotEmpty',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** A number, or a string that is entirely a number ("42", " 3.5 "): docs/nodes.md compares those as numbers. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

function equal(left: unknown, right: unknown): boolean {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof left === 'object' || typeof right === 'object') return JSON.stringify(left) === JSON.stringify(right);
  return left === right || text(left) === text(right);
}

function compare(left: unknown, right: unknown): number | undefined {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined) return a - b;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return undefined;
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) return haystack.some((item) => equal(item, needle));
  if (haystack && typeof haystack === 'object') return Object.prototype.hasOwnProperty.call(haystack, text(needle));
  return text(haystack).includes(text(needle));
}

/** Evaluates one rule. Fields and values arrive already resolved from their expressions. */
export function applyOperator(operator: ConditionOperator, field: unknown, value: unknown): boolean {
  switch (operator) {
    case 'equals':
      return equal(field, value);
    case 'notEquals':
      return !equal(field, value);
    case 'greaterThan': {
      const order = compare(field, value);
      return order !== undefined && order > 0;
    }
    case 'lessThan': {
      const order = compare(field, value);
      return order !== undefined && order < 0;
    }
    case 'greaterThanOrEqual': {
      const order = compare(field, value);
      return order !== undefined && order >= 0;
    }
    case 'lessThanOrEqual': {
      const order = compare(field, value);
      return order !== undefined && order <= 0;
    }
    case 'contains':
      return contains(field, value);
    case 'notContains':
      return !contains(field, value);
    case 'startsWith':
      return text(field).startsWith(text(value));
    case 'endsWith':
      return text(field).endsWith(text(value));
    case 'matchesRegex':
      return compileSafeRegex(text(value)).matcher(text(field)).find();
    case 'exists':
      return field !== undefined && field !== null;
    case 'notExists':
      return field === undefined || field === null;
    case 'isEmpty':
      return isEmptyValue(field);
    case 'isNotEmpty':
      return !isEmptyValue(field);
  }
}
