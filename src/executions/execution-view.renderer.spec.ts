import { describe, expect, it } from 'vitest';
import type { ExecutionDto } from './dto/execution.dto.js';
import type { NodeExecution } from './execution.types.js';
import { renderGraphSvg } from './execution-graph.svg.js';
import { escapeHtml, renderExecutionView } from './execution-view.renderer.js';

function execution(overrides: Partial<ExecutionDto> = {}): ExecutionDto {
  return {
    id: 'e1',
    workflowId: 'w1',
    workflowVersion: 2,
    webhookId: null,
    userId: 'u1',
    mode: 'manual',
    status: 'COMPLETED',
    triggerData: null,
    nodeExecutions: [],
    error: null,
    retryOf: null,
    parentExecutionId: null,
    parentNode: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
    completedAt: '2026-01-01T00:00:00.100Z',
    durationMs: 100,
    sizeBytes: 120,
    ...overrides,
  };
}

function node(overrides: Partial<NodeExecution>): NodeExecution {
  return {
    nodeId: 'n1', nodeName: 'N', nodeType: 'set', status: 'SUCCESS', input: null, output: null, error: null, attempts: 1,
    startedAt: '2026-01-01T00:00:00.050Z', completedAt: '2026-01-01T00:00:00.060Z', executionTime: 10, ...overrides,
  };
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  it('turns null and undefined into nothing and other values into their text', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('renderExecutionView', () => {
  it('keeps a stored status it does not know out of class attributes', () => {
    const html = renderExecutionView(execution({ status: '"><script>x</script>' as ExecutionDto['status'] }));
    expect(html).toContain('<span class="badge bg-pending">&quot;&gt;&lt;script&gt;x&lt;/script&gt;</span>');
    expect(html).not.toContain('<script');
  });

  it('shows a prefix of a very large output and says so', () => {
    const html = renderExecutionView(execution({ nodeExecutions: [node({ output: { blob: 'x'.repeat(300_000) } })] }));
    expect(html).toMatch(/<summary>Output — first 100,000 of 300,\d{3} characters; GET \/executions\/:id has all<\/summary>/);
    expect(html.length).toBeLessThan(120_000);
  });

  it('places the timing bar within the execution and clamps what lies outside it', () => {
    const html = renderExecutionView(execution({ nodeExecutions: [node({ nodeName: 'inside' }), node({ nodeName: 'late', startedAt: '2026-01-01T00:00:05.000Z', executionTime: 9_000 })] }));
    expect(html).toContain('style="left:50.00%;width:10.00%"');
    expect(html).toContain('style="left:100.00%;width:0.00%"');
  });

  it('says so when no node has run and leaves out the bar when the execution has not finished', () => {
    expect(renderExecutionView(execution({ status: 'PENDING', startedAt: null, completedAt: null, durationMs: null }))).toContain('No node has run yet.');
    const running = renderExecutionView(execution({ status: 'RUNNING', completedAt: null, durationMs: null, nodeExecutions: [node({ status: 'RUNNING', completedAt: null, executionTime: null })] }));
    expect(running).toContain('duration: running');
    expect(running).not.toContain('class="bar"');
  });
});

describe('renderExecutionView: the workflow graph', () => {
  const workflow = {
    name: 'Score <router>',
    nodes: [
      { id: 'a', name: 'Webhook', type: 'trigger', parameters: {} },
      { id: 'b', name: 'Check', type: 'condition', parameters: {} },
      { id: 'c', name: 'High', type: 'set', parameters: {} },
      { id: 'd', name: 'Low', type: 'set', parameters: {} },
      { id: 'e', name: 'Mail', type: 'sendEmail', parameters: {}, continueOnFail: true },
      { id: 'f', name: 'After', type: 'noOp', parameters: {} },
    ],
    connections: {
      Webhook: { main: [[{ node: 'Check', type: 'main', index: 0 }]] },
      Check: { main: [[{ node: 'High', type: 'main', index: 0 }], [{ node: 'Low', type: 'main', index: 0 }]] },
      High: { main: [[{ node: 'Mail', type: 'main', index: 0 }]] },
      Mail: { main: [[{ node: 'After', type: 'main', index: 0 }]] },
    },
  };
  const records = [
    node({ nodeName: 'Webhook', nodeType: 'trigger' }),
    node({ nodeName: 'Check', nodeType: 'condition', branch: 0 }),
    node({ nodeName: 'High' }),
    node({ nodeName: 'Low', status: 'SKIPPED', attempts: 0, startedAt: null, completedAt: null, executionTime: null }),
    node({ nodeName: 'Mail', nodeType: 'sendEmail', status: 'FAILED', attempts: 3, error: 'Resend answered 500' }),
  ];
  const html = renderExecutionView(execution({ nodeExecutions: records }), { workflow });
  const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));

  it('draws every node as a box coloured by its status, laid out left to right', () => {
    const boxes = [...svg.matchAll(/<g class="g-node g-(\w+)"><title>([^<]*)<\/title><rect x="([\d.]+)"/g)].map(([, state, title, x]) => ({ state, title, x: Number(x) }));
    expect(boxes.map(({ state, title }) => [state, title])).toEqual([
      ['ok', 'Webhook (trigger): SUCCESS'],
      ['ok', 'Check (condition): SUCCESS'],
      ['ok', 'High (set): SUCCESS'],
      ['skipped', 'Low (set): SKIPPED'],
      ['failed', 'Mail (sendEmail): FAILED'],
      ['notrun', 'After (noOp): not run'],
    ]);
    expect(boxes[0].x).toBeLessThan(boxes[1].x);
    expect(boxes[1].x).toBeLessThan(boxes[2].x);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" role="img" aria-label="Workflow graph" width="\d+" height="\d+"/);
  });

  it('highlights the connections the run followed, including past a failure let through by continueOnFail', () => {
    const edges = [...svg.matchAll(/<path class="g-edge( g-taken)?" d="M[\d., L]+"/g)].map(([, taken]) => Boolean(taken));
    // Webhook→Check, Check→High (output 0, taken), Check→Low (output 1, not), High→Mail, Mail→After (After has no record).
    expect(edges).toEqual([true, true, false, true, false]);
    // The condition's connections say which output they leave from.
    expect(svg).toMatch(/<text class="g-out"[^>]*>0<\/text>/);
    expect(svg).toMatch(/<text class="g-out"[^>]*>1<\/text>/);
  });

  it('marks a COMPLETED run whose nodes failed under continueOnFail, and says how many tries the error is the last of', () => {
    expect(html).toContain('<p class="warn">Completed, but 1 node failed and the run went on (continueOnFail): Mail</p>');
    expect(html).toContain('<span class="mark">continued after failure</span>');
    expect(html).toContain('<div class="muted">error of the last of 3 attempts</div><pre class="error">Resend answered 500</pre>');
  });

  it("lists every attempt's error when the record keeps them", () => {
    const retried = { ...node({ status: 'FAILED', attempts: 2, error: 'second' }), attemptErrors: ['first <b>', 'second'] };
    const page = renderExecutionView(execution({ status: 'FAILED', nodeExecutions: [retried] }));
    expect(page).toContain('<ol class="attempts"><li><span class="muted">attempt 1</span><pre class="error">first &lt;b&gt;</pre></li><li><span class="muted">attempt 2</span><pre class="error">second</pre></li></ol>');
  });

  it('shows the workflow name and links the JSON, and the parent and children where the execution has them', () => {
    expect(html).toContain('<p class="wf-name">Score &lt;router&gt;</p>');
    expect(html).toContain('<a href="/executions/e1">GET /executions/e1</a>');
    const related = renderExecutionView({ ...execution(), parentExecutionId: 'p"1', children: ['c1', { id: 'c2' }] });
    expect(related).toContain('<dt>Parent</dt><dd><a href="/executions/p%221/view"><code>p&quot;1</code></a></dd>');
    expect(related).toContain('<dt>Children</dt><dd><a href="/executions/c1/view"><code>c1</code></a> <a href="/executions/c2/view"><code>c2</code></a></dd>');
  });

  it('escapes node names and types in the SVG labels and titles', () => {
    const hostile = {
      name: 'x',
      nodes: [
        { id: 'a', name: '</text></svg><script>alert(1)</script>', type: 'trigger', parameters: {} },
        { id: 'b', name: '<img src=x onerror=alert(2)>', type: '"><svg onload=alert(3)>', parameters: {} },
      ],
      connections: { '</text></svg><script>alert(1)</script>': { main: [[{ node: '<img src=x onerror=alert(2)>', type: 'main', index: 0 }]] } },
    };
    const page = renderExecutionView(execution({ nodeExecutions: [node({ nodeName: '<img src=x onerror=alert(2)>' })] }), { workflow: hostile });
    expect(page).not.toMatch(/<script|<img|<svg onload/i);
    expect(page.match(/<svg /g)).toHaveLength(1);
    expect(page).toContain('<title>&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; (trigger): not run</title>');
    expect(page).toContain('>&lt;img src=x onerror=alert(2)&gt;</text>');
    expect(page).toContain('<path class="g-edge" d="M');
  });

  it('leaves the graph out when the workflow version is not known', () => {
    expect(renderExecutionView(execution())).not.toContain('<svg');
  });
});

describe('renderGraphSvg layout cache', () => {
  it('lays out a version once: the same key reuses the layout, another key computes its own', () => {
    const nodes = [
      { id: 'a', name: 'A', type: 'trigger', parameters: {} },
      { id: 'b', name: 'B', type: 'set', parameters: {} },
    ];
    const connections = { A: { main: [[{ node: 'B', type: 'main', index: 0 }]] } };
    const first = renderGraphSvg({ nodes, connections, layoutKey: 'wf-cache-test:1' }, []);
    // Same key, different definition: the cached layout wins (versions are immutable, so this cannot happen for real).
    const reused = renderGraphSvg({ nodes, connections: {}, layoutKey: 'wf-cache-test:1' }, []);
    expect(reused).toBe(first);
    expect(renderGraphSvg({ nodes, connections: {}, layoutKey: 'wf-cache-test:2' }, [])).not.toContain('<path class="g-edge');
  });
});
