/**
 * Runs expressions through the real ExpressionEvaluator in a process of its own, so that a bomb
 * that aborts V8 (`Fatal JavaScript invalid size error` cannot be caught, not even in a worker thread)
 * fails the test that spawned it instead of killing the test runner. Started by
 * `runExpressionsInChild` (expression-child-runner.ts) with ts-node's ESM loader.
 *
 * Input (stdin): JSON `[{ name, source, context? }]`. Output: one JSON line per case when it
 * starts (`{ start }`) and when it ends (`{ name, ok, error?, ms }`).
 */
import { performance } from 'node:perf_hooks';
import { ExpressionEvaluator, type ExpressionBindings } from '../../src/expressions/expression-evaluator.js';

interface ChildCase {
  name: string;
  source: string;
  context?: Record<string, unknown>;
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input) as ChildCase[];
const evaluator = new ExpressionEvaluator();
for (const { name, source, context = {} } of cases) {
  const bindings: ExpressionBindings = {
    trigger: { body: context },
    context,
    json: {},
    node: {},
    execution: { id: 'e', workflowId: 'w', mode: 'webhook', resumeUrl: null },
    workflow: { id: 'w', name: 'bombs' },
  };
  process.stdout.write(`${JSON.stringify({ start: name })}\n`);
  const started = performance.now();
  try {
    const value = await evaluator.evaluate(source, bindings, 'p');
    process.stdout.write(`${JSON.stringify({ name, ok: true, size: JSON.stringify(value)?.length ?? 0, ms: performance.now() - started })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ name, ok: false, error: (error as Error).message, ms: performance.now() - started })}\n`);
  }
}
