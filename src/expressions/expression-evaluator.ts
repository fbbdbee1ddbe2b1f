import { Injectable } from '@nestjs/common';
import jsonata from 'jsonata';
import { registerBoundedBuiltIns } from './bounded-built-ins.js';
import { EVALUATION_TIMEOUT_MS, EvaluationScheduler, type Pacing } from './evaluation-scheduler.js';
import { checkBuilt, ExpressionLimitError, MAX_ARRAY_LENGTH, MAX_REGEX_INPUT, MAX_STRING_LENGTH, NotPlainJsonError, plainJsonCopy } from './expression-limits.js';
import { Re2RegexEngine } from './re2-regex-engine.js';
import { compileTemplate, hasExpression, type CompiledTemplate, type SimplePath } from './template.js';

export { EVALUATION_TIMEOUT_MS };

/** Call depth; sizes of what an expression builds are in expression-limits.ts. */
const MAX_DEPTH = 300;
const CACHE_LIMIT = 20_000;
/**
 * Step kinds whose result is navigation into data that already exists (inputs, outputs, variables):
 * not measured, since the expression did not build it. Every other step's result is (checkBuilt).
 */
const NAVIGATION = new Set(['path', 'name', 'variable', 'parent', 'wildcard', 'descendant', 'string', 'number', 'value', 'regex', 'lambda', 'condition', 'block', 'bind']);

/** The variables bound for every evaluation (docs/expressions.md), without their `$`. */
export interface ExpressionBindings {
  trigger: unknown;
  context: unknown;
  json: unknown;
  node: Record<string, unknown>;
  execution: { id: string; workflowId: string; mode: string; resumeUrl: string | null };
  workflow: { id: string; name: string };
  /** Inside a forEach node: the element and its position (docs/lists-and-subworkflows.md). */
  item?: unknown;
  index?: number;
}

export class ExpressionError extends Error {
  constructor(path: string, reason: string) {
    super(`Expression error in parameter "${path}": ${reason}`);
  }
}

/**
 * Wall-clock backstop. The 50 ms bound itself is on CPU time (see EvaluationScheduler): on a busy
 * machine a process can be descheduled for longer than that, which must not fail honest expressions.
 */
const WALL_CLOCK_LIMIT_MS = 2000;

/** Bare variables whose value is a live object of the engine rather than stored JSON: copied when read. */
const LIVE_VARIABLES = new Set(['node', 'execution', 'workflow']);

/**
 * Compiles each distinct template once (sources are shared across runs and versions) and evaluates
 * with JSONata: data-only, no JavaScript evaluation, nothing bound that reaches the process.
 */
@Injectable()
export class ExpressionEvaluator {
  private readonly cache = new Map<string, CompiledTemplate>();
  private readonly scheduler = new EvaluationScheduler();
  private readonly options = {
    timeout: WALL_CLOCK_LIMIT_MS,
    stack: MAX_DEPTH,
    sequence: MAX_ARRAY_LENGTH,
    RegexEngine: budgetedRegexEngine(this.scheduler) as unknown as RegExpConstructor,
  };

  template(source: string): CompiledTemplate {
    let compiled = this.cache.get(source);
    if (!compiled) {
      compiled = compileTemplate(source, (expression) => {
        const expr = jsonata(expression, this.options);
        expr.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => this.scheduler.step());
        // Every step that builds a value is measured as it ends: a string doubled by `&` is refused
        // at 10 Mi characters, long before V8's own limit would abort the process.
        expr.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, (step: { type: string }, _input: unknown, _environment: unknown, result: unknown) => {
          // Numbers, booleans and null cannot grow: most steps end here.
          if ((typeof result === 'string' || (typeof result === 'object' && result !== null)) && !NAVIGATION.has(step.type)) checkBuilt(result);
        });
        registerBoundedBuiltIns(expr, this.scheduler);
        return expr;
      });
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
    if (template.whole) return this.run(template.parts[0] as ExpressionPart, bindings, path);
    let rendered = '';
    for (const part of template.parts) {
      rendered += part.kind === 'text' ? part.text : render(await this.run(part, bindings, path), path);
      if (rendered.length > MAX_STRING_LENGTH) throw new ExpressionError(path, `the rendered string is longer than ${MAX_STRING_LENGTH} characters`);
    }
    return rendered;
  }

  /**
   * evaluate's result without JSONata and without waiting, when every `{{ }}` of the source is a
   * plain path (docs/expressions.md: those cost next to nothing); NEEDS_JSONATA otherwise, and for anything
   * that fails, so that evaluate reports it.
   */
  private evaluatePlain(source: string, bindings: ExpressionBindings): unknown {
    let template: CompiledTemplate;
    try {
      template = this.template(source);
    } catch {
      return NEEDS_JSONATA;
    }
    if (template.whole) return readPlain(template.parts[0] as ExpressionPart, bindings);
    let rendered = '';
    for (const part of template.parts) {
      if (part.kind === 'text') {
        rendered += part.text;
        continue;
      }
      const value = readPlain(part, bindings);
      if (value === NEEDS_JSONATA) return NEEDS_JSONATA;
      // Objects render as JSON; one past the bound is left to evaluate, which names the parameter.
      if (typeof value === 'object' && value !== null) {
        const text = JSON.stringify(value);
        if (text.length > MAX_STRING_LENGTH) return NEEDS_JSONATA;
        rendered += text;
      } else rendered += render(value, '');
    }
    return rendered.length > MAX_STRING_LENGTH ? NEEDS_JSONATA : rendered;
  }

  private async run(part: ExpressionPart, bindings: ExpressionBindings, path: string): Promise<unknown> {
    if (part.path) {
      const read = readPlain(part, bindings, path);
      if (read !== NEEDS_JSONATA) return read;
    }
    try {
      const result = await this.scheduler.run(() => part.compiled.evaluate(bindings.json, bindings as unknown as Record<string, unknown>));
      // The whole result too: a block or condition hands on what its parts built or read.
      checkBuilt(result);
      return plainJsonCopy(result);
    } catch (error) {
      throw new ExpressionError(path, describe(error));
    }
  }

  /** Resolves every expression in a parameter tree; values without expressions are returned as they are. */
  async resolve(value: unknown, bindings: ExpressionBindings, path = ''): Promise<unknown> {
    // Most trees hold plain paths only: resolved in one synchronous pass, with no await per value.
    const plain = this.resolvePlain(value, bindings);
    return plain !== NEEDS_JSONATA ? plain : this.resolveTree(value, bindings, path);
  }

  private async resolveTree(value: unknown, bindings: ExpressionBindings, path: string): Promise<unknown> {
    if (typeof value === 'string') return hasExpression(value) ? this.evaluate(value, bindings, path) : value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) out.push(await this.resolveTree(value[i], bindings, `${path}[${i}]`));
      return out;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) out[key] = await this.resolveTree(child, bindings, path ? `${path}.${key}` : key);
      return out;
    }
    return value;
  }

  private resolvePlain(value: unknown, bindings: ExpressionBindings): unknown {
    if (typeof value === 'string') return hasExpression(value) ? this.evaluatePlain(value, bindings) : value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        const resolved = this.resolvePlain(item, bindings);
        if (resolved === NEEDS_JSONATA) return NEEDS_JSONATA;
        out.push(resolved);
      }
      return out;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const key in value) {
        const resolved = this.resolvePlain((value as Record<string, unknown>)[key], bindings);
        if (resolved === NEEDS_JSONATA) return NEEDS_JSONATA;
        out[key] = resolved;
      }
      return out;
    }
    return value;
  }
}

type ExpressionPart = Extract<CompiledTemplate['parts'][number], { kind: 'expression' }>;

/** Marks a value that only JSONata (or evaluate's error report) can give. */
const NEEDS_JSONATA = Symbol('needs JSONata');

/**
 * A plain path's value as `run` gives it, or NEEDS_JSONATA. Plain paths hand on references, not
 * copies: what they reach is the trigger's output and node outputs, which are plain JSON already
 * (every expression result is copied, and executors return parsed JSON), and copying a 1 MB body
 * per request would cost the hot path for nothing. The exception is a bare live variable: `$node`
 * is the engine's map of outputs, which would contain itself once a node stored it, so `$node`,
 * `$execution` and `$workflow` alone are copied (`$node.X` is X's output, plain already).
 * `path` names the parameter for a copy that fails; without it (the synchronous pass) such a value
 * is left to `run`, which reports it.
 */
function readPlain(part: ExpressionPart, bindings: ExpressionBindings, path?: string): unknown {
  if (!part.path) return NEEDS_JSONATA;
  const read = readSimplePath(part.path, bindings);
  if (!read.found) return NEEDS_JSONATA;
  if (part.path.keys.length > 0 || !LIVE_VARIABLES.has(part.path.variable ?? '')) return read.value ?? null;
  try {
    return plainJsonCopy(read.value);
  } catch (error) {
    if (path === undefined) return NEEDS_JSONATA;
    throw new ExpressionError(path, describe(error));
  }
}

/** True when a parameter tree holds any expression: nodes without one skip resolution entirely. */
export function containsExpression(value: unknown): boolean {
  if (typeof value === 'string') return hasExpression(value);
  if (Array.isArray(value)) return value.some(containsExpression);
  if (value && typeof value === 'object') return Object.values(value).some(containsExpression);
  return false;
}

/** Values are plain JSON here (results are copied), so JSON.stringify cannot meet a cycle. */
function render(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    if (text.length > MAX_STRING_LENGTH) throw new ExpressionError(path, `the rendered string is longer than ${MAX_STRING_LENGTH} characters`);
    return text;
  }
  return String(value);
}

/**
 * The regular-expression engine for one evaluator: RE2 (linear time), refusing long inputs (the
 * built-ins check them first) and charging every match attempt, so that `$replace` over a large
 * body stops at the evaluation's budget instead of running through a million matches in one step.
 */
function budgetedRegexEngine(pacing: Pacing): typeof Re2RegexEngine {
  return class BudgetedRe2RegexEngine extends Re2RegexEngine {
    override exec(text: string): RegExpExecArray | null {
      // The built-ins check first; `value ~> /regex/` comes straight here.
      if (text.length > MAX_REGEX_INPUT) throw new ExpressionLimitError(`regular expressions run on strings of at most ${MAX_REGEX_INPUT} characters`);
      const from = this.lastIndex;
      const match = super.exec(text);
      // What the attempt scanned (to the match's end, or to the end), and a floor for its fixed cost.
      pacing.charge(64 + (match ? this.lastIndex : text.length) - from);
      return match;
    }
  };
}

const VARIABLES = new Set(['trigger', 'context', 'json', 'node', 'execution', 'workflow', 'item', 'index']);

/**
 * Reads a plain path straight from the bindings, as JSONata would. Arrays along the way map in
 * JSONata, so those (and unknown variables) go to JSONata instead: `found: false`.
 */
function readSimplePath(path: SimplePath, bindings: ExpressionBindings): { found: true; value: unknown } | { found: false } {
  if (path.variable !== null && !VARIABLES.has(path.variable)) return { found: false };
  let current: unknown = path.variable === null ? bindings.json : bindings[path.variable as keyof ExpressionBindings];
  for (const key of path.keys) {
    if (current === null || current === undefined) return { found: true, value: undefined };
    if (Array.isArray(current)) return { found: false };
    if (typeof current !== 'object') return { found: true, value: undefined };
    current = Object.prototype.hasOwnProperty.call(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  }
  return { found: true, value: current };
}

function describe(error: unknown): string {
  if (error instanceof ExpressionLimitError || error instanceof NotPlainJsonError) return error.message;
  const candidate = error as { message?: string; code?: string };
  if (candidate?.code === 'D1012') return `evaluation took longer than ${EVALUATION_TIMEOUT_MS} ms`;
  if (candidate?.code === 'D1011') return 'expression nested too deeply';
  if (candidate?.code === 'D2015' || candidate?.code === 'D2014') return 'expression built a sequence that is too large';
  if (error instanceof RangeError) return 'expression nested too deeply';
  return candidate?.message ?? String(error);
}
