import { describe, expect, it } from 'vitest';
import type { ExecutionDto } from './dto/execution.dto.js';
import type { NodeExecution } from './execution.types.js';
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
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
    completedAt: '2026-01-01T00:00:00.100Z',
    durationMs: 100,
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
