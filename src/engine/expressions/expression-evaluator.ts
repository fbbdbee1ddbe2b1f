import { Injectable } from '@nestjs/common';
import jsonata from 'jsonata';
import { Re2RegexEngine } from './re2-regex-engine.js';
import { compileTemplate, hasExpression, type CompiledTemplate } from './template.js';

/** SPEC §7.2: every evaluation is bounded in time. */
export const EVALUATION_TIMEOUT_MS = 50;
/** Bounds on what an expression may build: call depth, sequence length, string length. */
const MAX_DEPTH = 300;
const MAX_SEQUENCE = 100_000;
const MAX_RESULT_STRING = 5 * 1024 * 1024;
const CACHE_LIMIT = 20_000;

/** The variables bound for every evaluation (SPEC §7.2), without their `$`. */
export interface ExpressionBindings {
  trigger: unknown;
  context: unknown;
  json: unknown;
  node: Record<string, unknown>;
  execution: { id: string; workflowId: string; mode: string; resumeUrl: string | null };
  workflow: { id: string; name: string };
}

export class ExpressionError extends Error {
  constructor(path: string, reason: string) {
    super(`Expression error in parameter "${path}": ${reason}`);
  }
}

const JSONATA_OPTIONS = {
  timeout: EVALUATION_TIMEOUT_MS,
  stack: MAX_DEPTH,
  sequence: MAX_SEQUENCE,
  RegexEngine: Re2RegexEngine as unknown as RegExpConstructor,
};

/**
 * Compiles each distinct template once (sources are shared across runs and versions) and evaluates
 * with JSONata: data-only, no JavaScript evaluation, nothing bound that reaches the process.
 */
@Injectable()
export class ExpressionEvaluator {
  private readonly cache = new Map<string, CompiledTemplate>();

  template(source: string): CompiledTemplate {
    let compiled = this.cache.get(source);
    if (!compiled) {
      compiled = compileTemplate(source, (expression) => jsonata(expression, JSONATA_OPTIONS));
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(source, compiled);
    }
    return compiled;
  }

  /** A whole `{{ }}` keeps its JSON type; a template renders into a string. */
  async evaluate(source: string, bindings: ExpressionBindings, path: string): Promise<unknown> {
    let template: CompiledTemplate;
    try {
      template = this.template(source);
    } catch (error) {
      throw new ExpressionError(path, (error as Error).message);
    }
    if (template.whole) return this.run(template.parts[0] as Extract<CompiledTemplate['parts'][number], { kind: 'expression' }>, bindings, path);
    let rendered = '';
    for (const part of template.parts) {
      rendered += part.kind === 'text' ? part.text : render(await this.run(part, bindings, path));
      if (rendered.length > MAX_RESULT_STRING) throw new ExpressionError(path, 'the rendered string is too large');
    }
    return rendered;
  }

  private async run(part: Extract<CompiledTemplate['parts'][number], { kind: 'expression' }>, bindings: ExpressionBindings, path: string): Promise<unknown> {
    let result: unknown;
    try {
      result = await part.compiled.evaluate(bindings.json, bindings as unknown as Record<string, unknown>);
    } catch (error) {
      throw new ExpressionError(path, describe(error));
    }
    if (typeof result === 'string' && result.length > MAX_RESULT_STRING) throw new ExpressionError(path, 'the result is too large');
    return normalise(result);
  }

  /** Resolves every expression in a parameter tree; values without expressions are returned as they are. */
  async resolve(value: unknown, bindings: ExpressionBindings, path = ''): Promise<unknown> {
    if (typeof value === 'string') return hasExpression(value) ? this.evaluate(value, bindings, path) : value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) out.push(await this.resolve(value[i], bindings, `${path}[${i}]`));
      return out;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) out[key] = await this.resolve(child, bindings, path ? `${path}.${key}` : key);
      return out;
    }
    return value;
  }
}

/** True when a parameter tree holds any expression: nodes without one skip resolution entirely. */
export function containsExpression(value: unknown): boolean {
  if (typeof value === 'string') return hasExpression(value);
  if (Array.isArray(value)) return value.some(containsExpression);
  if (value && typeof value === 'object') return Object.values(value).some(containsExpression);
  return false;
}

function render(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** JSONata sequences are arrays with extra flags, and functions are not data: plain JSON only. */
function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return value ?? null;
  if (typeof value === 'function') return null;
  if (typeof value === 'object') return JSON.parse(JSON.stringify(value));
  return value;
}

function describe(error: unknown): string {
  const candidate = error as { message?: string; code?: string };
  if (candidate?.code === 'D1012') return `evaluation took longer than ${EVALUATION_TIMEOUT_MS} ms`;
  if (candidate?.code === 'D1011') return 'expression nested too deeply';
  if (candidate?.code === 'D2015' || candidate?.code === 'D2014') return 'expression built a sequence that is too large';
  if (error instanceof RangeError) return 'expression nested too deeply';
  return candidate?.message ?? String(error);
}
