import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { runExpressionsInChild } from '../../test/support/expression-child-runner.js';
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

  it('binds every variable of docs/expressions.md', async () => {
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
    await expect(evaluator.evaluate('{{ $pad("", 20000000, "ab") }}', b, 'p')).rejects.toThrow(/Expression error in parameter "p": \$pad width must be at most/);
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

  it('keeps JSONata results of the bounded built-ins', async () => {
    const b = bindings({ json: { emoji: 'a😀b😀c', dollars: 'a.b.c' } });
    expect(await evaluator.evaluate('{{ $length(emoji) }}', b, 'p')).toBe(5);
    expect(await evaluator.evaluate('{{ [$substring(emoji, 1, 3), $substring("hello", -3), $substring("hello", 1, 2), $substring("hello", -9, 3)] }}', b, 'p')).toEqual(['😀b😀', 'llo', 'el', 'hel']);
    expect(await evaluator.evaluate('{{ [$replace(dollars, ".", "$0"), $replace(dollars, ".", "-", 1), $replace("abc", /b/, "[$0]")] }}', b, 'p')).toEqual(['a$0b$0c', 'a-b.c', 'a[b]c']);
    expect(await evaluator.evaluate('{{ {"a": $split("a,b,c", ","), "b": $split("abc", ""), "c": $split("a,b,c", ",", 2)} }}', b, 'p')).toEqual({ a: ['a', 'b', 'c'], b: ['a', 'b', 'c'], c: ['a', 'b'] });
    expect(await evaluator.evaluate('{{ [$join(["a", "b"], "-"), $string({"a": [1]}), $base64encode("hi"), $formatNumber(1234.5, "#,##0.00"), $pad("x", -3, "😀")] }}', b, 'p')).toEqual(['a-b', '{"a":[1]}', 'aGk=', '1,234.50', '😀😀x']);
    expect(await evaluator.evaluate('{{ $append([1], [2, 3]) }}', b, 'p')).toEqual([1, 2, 3]);
    expect(await evaluator.evaluate('{{ $eval("1 + 2") }}', b, 'p')).toBe(3);
  });

  it('fails a bomb with a clear error instead of aborting the process (run in a child process)', async () => {
    const big = { t: 'a'.repeat(2 * 1024 * 1024) };
    const bombs = [
      { name: 'doubling with & (aborted Node before)', source: '{{ ($f := function($x,$n){ $n = 0 ? $x : $f($x & $x, $n - 1)}; $length($f("ab", 27))) }}' },
      { name: 'doubling with & past V8 limits', source: '{{ ($f := function($x,$n){ $n = 0 ? $x : $f($x & $x, $n - 1)}; $f("ab", 40)) }}' },
      { name: '$append doubling', source: '{{ ($f := function($a,$n){ $n = 0 ? $count($a) : $f($append($a, $a), $n - 1)}; $f([1,2], 30)) }}' },
      { name: 'nested arrays doubling, then $string', source: '{{ ($f := function($a,$n){ $n = 0 ? $string($a) : $f([$a, $a], $n - 1)}; $f(["xxxxxxxxxx"], 40)) }}' },
      { name: 'objects of big strings', source: '{{ ($s := $pad("", 9000000); { "a": $s, "b": $s, "c": $s, "d": $s }) }}' },
      { name: '$string of a big array', source: '{{ ($s := $pad("", 9000000); $string([$s, $s])) }}' },
      { name: '$pad 1e9', source: '{{ $pad("", 1e9) }}' },
      { name: '$join of growing strings', source: '{{ ($s := $pad("", 9000000); $join([$s, $s, $s])) }}' },
      { name: '$join of many padded strings', source: '{{ $join([1..99999].$pad("", 1000)) }}' },
      { name: '$replace growth (string pattern)', source: '{{ ($s := $pad("", 2000000); $replace($s, " ", "xxxxxxxxxx")) }}' },
      { name: '$replace growth (regex)', source: '{{ ($s := $pad("", 1000000); $replace($s, / /, "xxxxxxxxxxxxxxxxxxxx")) }}' },
      { name: '$base64encode of a big string', source: '{{ $base64encode($pad("", 9000000)) }}' },
      { name: '$split into characters', source: '{{ $split($pad("", 9000000), "") }}' },
      { name: '$split on a separator', source: '{{ $split($pad("", 9000000), " ") }}' },
      { name: 'huge range through $map', source: '{{ $map([1..10000000], function($v){ $v }) }}' },
      { name: 'nested ranges', source: '{{ [1..10000].([1..10000]) }}' },
      { name: '$formatNumber with a huge picture', source: '{{ $formatNumber(1, $pad("", 100000, "#")) }}' },
      { name: '$eval of huge source', source: '{{ $eval($pad("", 100000, "1+")) }}' },
      { name: 'regex over a long input', source: '{{ $replace($context.t, /a/, "b") }}', context: big },
      { name: '$length of a doubled string', source: '{{ ($f := function($x,$n){ $n = 0 ? $x : $f($x & $x, $n - 1)}; $length($f("ab", 23))) }}' },
    ];
    const run = await runExpressionsInChild(bombs, 120_000);
    expect(run.crashedIn, `the process died in "${run.crashedIn}": ${run.stderr}`).toBeNull();
    expect(run.code, run.stderr).toBe(0);
    expect(run.outcomes.map((outcome) => outcome.name)).toEqual(bombs.map((bomb) => bomb.name));
    for (const outcome of run.outcomes) {
      expect(outcome.ok, outcome.name).toBe(false);
      expect(outcome.error, outcome.name).toMatch(/^Expression error in parameter "p": (expression built|\$\w+ (would build|accepts|width)|evaluation took longer than 50 ms|the rendered string)/);
      expect(outcome.ms, outcome.name).toBeLessThan(2_000);
    }
  }, 150_000);

  it('copies results into plain JSON and refuses a cycle with a clear error', async () => {
    const node: Record<string, unknown> = { First: { ok: 1 } };
    node.Loop = { back: node };
    const b = bindings({ node });
    await expect(evaluator.evaluate('{{ $node }}', b, 'values.result')).rejects.toThrow('Expression error in parameter "values.result": result is not plain JSON (circular)');
    await expect(evaluator.evaluate('{{ ($node) }}', b, 'p')).rejects.toThrow('result is not plain JSON (circular)');
    await expect(evaluator.resolve({ a: '{{ $node }}' }, b)).rejects.toThrow('Expression error in parameter "a": result is not plain JSON (circular)');
    // A bare live variable is a copy: storing it cannot make $node contain itself.
    const live: Record<string, unknown> = { First: { ok: 1 } };
    const copied = (await evaluator.resolve({ all: '{{ $node }}', exec: '{{ $execution }}' }, bindings({ node: live }))) as Record<string, unknown>;
    expect(copied.all).toEqual({ First: { ok: 1 } });
    expect(copied.all).not.toBe(live);
    live.Set = copied;
    expect(() => JSON.stringify(live)).not.toThrow();
    // JSONata sequences and functions come out as JSON would have them.
    const result = await evaluator.evaluate('{{ {"seq": [1, 2].($ * 2), "fns": [$uppercase, 1], "f": $uppercase, "n": 1} }}', bindings(), 'p');
    expect(result).toEqual({ seq: [2, 4], fns: [null, 1], n: 1 });
    expect(Object.keys((result as { seq: object }).seq)).toEqual(['0', '1']);
  });

  it('lets the event loop turn between evaluations queued back to back', async () => {
    // Each takes a few milliseconds; sixty in a row held the loop for all of them before.
    const work = '{{ $sum([1..2000].($ * 2)) }}';
    let longestGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    await Promise.all(Array.from({ length: 60 }, () => evaluator.evaluate(work, bindings(), 'p')));
    const total = performance.now() - started;
    clearInterval(timer);
    // The stretch since the timer last ran counts too (before, it never ran during the batch).
    longestGap = Math.max(longestGap, performance.now() - last);
    // Held for all of them before (the gap was the whole batch); now a 10 ms slice and one evaluation.
    expect(longestGap, `longest gap ${longestGap.toFixed(0)} ms of ${total.toFixed(0)} ms`).toBeLessThan(total / 3);
  });

  it('lets the event loop turn while one evaluation runs, between steps and between regex matches', async () => {
    const b = bindings({ json: { text: 'a'.repeat(500_000) } });
    for (const source of ['{{ ($f := function($n) { $f($n + 1) }; $f(0)) }}', '{{ $replace(text, /a/, "b") }}']) {
      let longestGap = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
      }, 1);
      const started = performance.now();
      // Both run into their 50 ms budget; before, each held the loop from start to end.
      await expect(evaluator.evaluate(source, b, 'p')).rejects.toThrow(/evaluation took longer than 50 ms/);
      const total = performance.now() - started;
      clearInterval(timer);
      longestGap = Math.max(longestGap, performance.now() - last);
      expect(longestGap, `${source}: longest gap ${longestGap.toFixed(0)} ms of ${total.toFixed(0)} ms`).toBeLessThan(total / 2);
    }
  });

  it('lets a short evaluation finish while a long one is still running (evaluations take turns)', async () => {
    const order: string[] = [];
    const long = evaluator.evaluate('{{ ($f := function($n) { $f($n + 1) }; $f(0)) }}', bindings(), 'long').catch(() => order.push('long'));
    // Queued behind the long one; before, it waited for the long one's whole 50 ms budget.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const short = evaluator.evaluate('{{ $context.score * 2 }}', bindings(), 'short').then((value) => order.push(`short ${value}`));
    await Promise.all([long, short]);
    expect(order).toEqual(['short 190', 'long']);
  });
});
