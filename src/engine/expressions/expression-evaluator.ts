import { Injectable } from '@nestjs/common';
import jsonata from 'jsonata';
import { Re2RegexEngine } from './re2-regex-engine.js';
import { compileTemplate, hasExpression, type CompiledTemplate, type SimplePath } from './template.js';

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
  /** Inside a forEach node: the element and its position (SPEC §7.10). */
  item?: unknown;
  index?: number;
}

export class ExpressionError extends Error {
  constructor(path: string, reason: string) {
    super(`Expression error in parameter "${path}": ${reason}`);
  }
}

/**
 * Wall-clock backstop. The 50 ms bound itself is on CPU time (see `budget`): on a busy machine a
 * process can be descheduled for longer than that, which must not fail honest expressions.
 */
const WALL_CLOCK_LIMIT_MS = 2000;
/** How many evaluation steps pass between two CPU-time checks (a check costs about a microsecond). */
const STEPS_PER_CHECK = 32;

const JSONATA_OPTIONS = {
  timeout: WALL_CLOCK_LIMIT_MS,
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
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * One JSONata evaluation at a time. JSONata is asynchronous, so concurrent evaluations would
   * interleave step by step and each one's 50 ms bound would count the others' time: under load,
   * honest expressions would time out. Serialised, the bound measures the expression's own work,
   * and no evaluation holds the event loop longer than the bound.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const start = () => {
      this.budget = { cpuStart: process.cpuUsage(), steps: 0 };
      return work();
    };
    const run = this.queue.then(start, start);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The running evaluation's CPU start; evaluations are serialised, so there is one at a time. */
  private budget = { cpuStart: process.cpuUsage(), steps: 0 };

  private checkBudget(): void {
    if (++this.budget.steps % STEPS_PER_CHECK !== 0) return;
    const used = process.cpuUsage(this.budget.cpuStart);
    if ((used.user + used.system) / 1000 > EVALUATION_TIMEOUT_MS) throw { code: 'D1012' };
  }

  template(source: string): CompiledTemplate {
    let compiled = this.cache.get(source);
    if (!compiled) {
      compiled = compileTemplate(source, (expression) => {
        const expr = jsonata(expression, JSONATA_OPTIONS);
        expr.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, () => this.checkBudget());
        // JSONata's own $pad builds its result one character at a time, unbounded.
        expr.registerFunction('pad', boundedPad, '<s-ns?:s>');
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
      rendered += part.kind === 'text' ? part.text : render(await this.run(part, bindings, path));
      if (rendered.length > MAX_RESULT_STRING) throw new ExpressionError(path, 'the rendered string is too large');
    }
    return rendered;
  }

  /**
   * evaluate's result without JSONata and without waiting, when every `{{ }}` of the source is a
   * plain path (SPEC §7.2: those cost next to nothing); NEEDS_JSONATA otherwise, and for anything
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
      rendered += render(value);
    }
    return rendered.length > MAX_RESULT_STRING ? NEEDS_JSONATA : rendered;
  }

  private async run(part: ExpressionPart, bindings: ExpressionBindings, path: string): Promise<unknown> {
    if (part.path) {
      const read = readSimplePath(part.path, bindings);
      if (read.found) return read.value ?? null;
    }
    let result: unknown;
    try {
      result = await this.exclusive(() => part.compiled.evaluate(bindings.json, bindings as unknown as Record<string, unknown>));
    } catch (error) {
      throw new ExpressionError(path, describe(error));
    }
    if (typeof result === 'string' && result.length > MAX_RESULT_STRING) throw new ExpressionError(path, 'the result is too large');
    return normalise(result);
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

/** A plain path's value as `run` gives it, or NEEDS_JSONATA. */
function readPlain(part: ExpressionPart, bindings: ExpressionBindings): unknown {
  if (!part.path) return NEEDS_JSONATA;
  const read = readSimplePath(part.path, bindings);
  return read.found ? (read.value ?? null) : NEEDS_JSONATA;
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

/**
 * JSONata sequences are arrays with extra flags and functions, and lambdas are not data: what it
 * builds becomes plain JSON. (Plain paths skip JSONata and this copy.)
 */
function normalise(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'function') return null;
  if (typeof value === 'object') return JSON.parse(JSON.stringify(value));
  return value;
}

/** `$pad(str, width, char?)`: positive width pads on the right, negative on the left (JSONata's semantics). */
function boundedPad(text: string | undefined, width: number, char?: string): string | undefined {
  if (text === undefined) return undefined;
  if (!Number.isFinite(width) || Math.abs(width) > MAX_RESULT_STRING) throw { code: 'D3141', message: `$pad width must be at most ${MAX_RESULT_STRING}` };
  const fill = char === undefined || char === '' ? ' ' : char;
  const missing = Math.abs(Math.trunc(width)) - [...text].length;
  if (missing <= 0) return text;
  const padding = [...fill.repeat(Math.ceil(missing / [...fill].length))].slice(0, missing).join('');
  return width > 0 ? text + padding : padding + text;
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
  const candidate = error as { message?: string; code?: string };
  if (candidate?.code === 'D1012') return `evaluation took longer than ${EVALUATION_TIMEOUT_MS} ms`;
  if (candidate?.code === 'D1011') return 'expression nested too deeply';
  if (candidate?.code === 'D2015' || candidate?.code === 'D2014') return 'expression built a sequence that is too large';
  if (error instanceof RangeError) return 'expression nested too deeply';
  return candidate?.message ?? String(error);
}
