import { describe, expect, it } from 'vitest';
import { ExpressionEvaluator, type ExpressionBindings } from './expression-evaluator.js';
import { compileTemplate, ExpressionSyntaxError, splitTemplate } from './template.js';

const bindings = (overrides: Partial<ExpressionBindings> = {}): ExpressionBindings => ({
  trigger: { body: { email: 'ada@example.com', score: 95, tags: ['a', 'b'] }, headers: {}, query: { page: '2' }, method: 'POST' },
  context: { email: 'ada@example.com', score: 95, tags: ['a', 'b'] },
  json: { id: 7, nested: { value: 'deep' } },
  node: { 'Check score': { passed: true }, httpRequest: { data: { id: 42 } } },
  execution: { id: 'exec-1', workflowId: 'wf-1', mode: 'webhook', resumeUrl: 'http://x/webhook/resume/t' },
  workflow: { id: 'wf-1', name: 'Score router' },
  ...overrides,
});

describe('template parsing', () => {
  it('splits text and expressions, keeping braces inside object constructors', () => {
    expect(splitTemplate('Hi {{ name }}!')).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'expression', source: 'name' },
      { kind: 'text', text: '!' },
    ]);
    expect(splitTemplate('{{ {"a": {"b": 1}} }}')).toEqual([{ kind: 'expression', source: '{"a": {"b": 1}}' }]);
    expect(splitTemplate('{{ "}}" & x }}')).toEqual([{ kind: 'expression', source: '"}}" & x' }]);
  });

  it('rejects unclosed, empty and unparsable expressions', () => {
    expect(() => compileTemplate('{{ a.b ')).toThrow(ExpressionSyntaxError);
    expect(() => compileTemplate('{{ }}')).toThrow(/empty/);
    expect(() => compileTemplate('{{ a + }}')).toThrow(ExpressionSyntaxError);
    expect(() => compileTemplate(`{{ "${'x'.repeat(11 * 1024)}" }}`)).toThrow(/longer than/);
  });
});

describe('ExpressionEvaluator', () => {
  const evaluator = new ExpressionEvaluator();

  it('binds every variable of SPEC §7.2', async () => {
    const b = bindings();
    expect(await evaluator.evaluate('{{ $trigger.body.email }}', b, 'p')).toBe('ada@example.com');
    expect(await evaluator.evaluate('{{ $context.score }}', b, 'p')).toBe(95);
    expect(await evaluator.evaluate('{{ $json.id }}', b, 'p')).toBe(7);
    expect(await evaluator.evaluate('{{ nested.value }}', b, 'p')).toBe('deep');
    expect(await evaluator.evaluate('{{ $node.`Check score`.passed }}', b, 'p')).toBe(true);
    expect(await evaluator.evaluate('{{ $node.httpRequest.data.id }}', b, 'p')).toBe(42);
    expect(await evaluator.evaluate('{{ $execution.id }}', b, 'p')).toBe('exec-1');
    expect(await evaluator.evaluate('{{ $execution.resumeUrl }}', b, 'p')).toBe('http://x/webhook/resume/t');
    expect(await evaluator.evaluate('{{ $workflow.name }}', b, 'p')).toBe('Score router');
    expect(await evaluator.evaluate('{{ $trigger.query.page }}', b, 'p')).toBe('2');
  });

  it('keeps the JSON type of a whole expression and renders templates as text', async () => {
    const b = bindings();
    expect(await evaluator.evaluate('{{ $context.tags }}', b, 'p')).toEqual(['a', 'b']);
    expect(await evaluator.evaluate('{{ {"n": $context.score} }}', b, 'p')).toEqual({ n: 95 });
    expect(await evaluator.evaluate('Score: {{ $context.score }}', b, 'p')).toBe('Score: 95');
    expect(await evaluator.evaluate('Tags {{ $context.tags }}', b, 'p')).toBe('Tags ["a","b"]');
    expect(await evaluator.evaluate('[{{ $context.missing }}]', b, 'p')).toBe('[]');
    expect(await evaluator.evaluate('{{ $context.missing }}', b, 'p')).toBeNull();
    expect(await evaluator.evaluate('{{ $uppercase($context.email) & "!" }}', b, 'p')).toBe('ADA@EXAMPLE.COM!');
    expect(await evaluator.evaluate('{{ $context.score > 90 ? "high" : "low" }}', b, 'p')).toBe('high');
  });

  it('resolves a parameter tree, naming the failing path', async () => {
    const resolved = await evaluator.resolve({ to: '{{ $context.email }}', list: ['{{ $json.id }}', 'plain'], n: 3 }, bindings());
    expect(resolved).toEqual({ to: 'ada@example.com', list: [7, 'plain'], n: 3 });
    await expect(evaluator.resolve({ a: { b: '{{ $number("x") }}' } }, bindings())).rejects.toThrow('Expression error in parameter "a.b"');
  });

  it('stops runaway expressions within the time bound', async () => {
    const started = Date.now();
    await expect(evaluator.evaluate('{{ ($f := function($n) { $f($n + 1) }; $f(0)) }}', bindings(), 'loop')).rejects.toThrow(/Expression error in parameter "loop"/);
    await expect(evaluator.evaluate('{{ $count([1..10000000]) }}', bindings(), 'range')).rejects.toThrow(/too large|longer than/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('matches regular expressions with RE2: same results, and no catastrophic backtracking', async () => {
    const b = bindings({ json: { text: 'Order A-17 and B-2', evil: `${'a'.repeat(5_000)}b` } });
    expect(await evaluator.evaluate('{{ $match(text, /([A-Z])-(\\d+)/).groups }}', b, 'p')).toEqual(['A', '17', 'B', '2']);
    expect(await evaluator.evaluate('{{ $replace(text, /\\d+/, "#") }}', b, 'p')).toBe('Order A-# and B-#');
    expect(await evaluator.evaluate('{{ $contains(text, /order/i) }}', b, 'p')).toBe(true);
    expect(await evaluator.evaluate('{{ $split("a1b22c", /\\d+/) }}', b, 'p')).toEqual(['a', 'b', 'c']);
    const started = Date.now();
    expect(await evaluator.evaluate('{{ $contains(evil, /(a+)+$/) }}', b, 'p')).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(evaluator.evaluate('{{ $match(text, /(a)\\1/) }}', b, 'p')).rejects.toThrow(/Expression error/);
  });

  it('reads plain paths without JSONata, with the same results JSONata gives', async () => {
    const data = { a: { b: [1, 2], c: null, d: 'text', 'odd key': { x: 1 } }, list: [{ n: 1 }, { n: 2 }], n: 0 };
    const b = bindings({ json: data, trigger: { body: data }, context: data });
    const sources = ['a.b', 'a.c', 'a.d', 'a.d.e', 'a.missing.deeper', 'a.`odd key`.x', 'list.n', 'n', '$json.a', '$trigger.body.list.n', '$context.a.b', '$node.httpRequest.data.id', '$execution.id', '$nothing.a'];
    const plain = new ExpressionEvaluator();
    for (const source of sources) {
      const fast = await plain.evaluate(`{{ ${source} }}`, b, 'p');
      const jsonataOnly = await plain.evaluate(`{{ (${source}) }}`, b, 'p'); // parenthesised: not a plain path
      expect(fast, source).toEqual(jsonataOnly);
    }
  });

  it('bounds each evaluation by its own work, not by what runs concurrently', async () => {
    // Each evaluation takes a millisecond or two; 300 interleaved would each span far more than 50 ms.
    const heavy = '{{ $sum([1..100].($ * 2)) }}';
    const results = await Promise.all(Array.from({ length: 300 }, () => evaluator.evaluate(heavy, bindings(), 'p')));
    expect(new Set(results)).toEqual(new Set([10100]));
  });

  it('pads like JSONata, within a bound on the size it builds', async () => {
    const b = bindings();
    expect(await evaluator.evaluate('{{ $pad("ab", 5, "-") }}', b, 'p')).toBe('ab---');
    expect(await evaluator.evaluate('{{ $pad("ab", -5, "xy") }}', b, 'p')).toBe('xyxab');
    expect(await evaluator.evaluate('{{ $pad("abc", 2) }}', b, 'p')).toBe('abc');
    expect(await evaluator.evaluate('{{ $pad("a", 3) }}', b, 'p')).toBe('a  ');
    const started = Date.now();
    await expect(evaluator.evaluate('{{ $pad("", 10000000, "ab") }}', b, 'p')).rejects.toThrow(/Expression error/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('offers no way to reach the process, environment or JavaScript', async () => {
    const b = bindings();
    expect(await evaluator.evaluate('{{ $process }}', b, 'p')).toBeNull();
    expect(await evaluator.evaluate('{{ $env }}', b, 'p')).toBeNull();
    expect(await evaluator.evaluate('{{ $json.constructor }}', b, 'p')).toBeNull();
    await expect(evaluator.evaluate('{{ $eval("$process") }}', b, 'p')).resolves.toBeNull();
    await expect(evaluator.evaluate('{{ $require("fs") }}', b, 'p')).rejects.toThrow(/Expression error/);
  });
});
