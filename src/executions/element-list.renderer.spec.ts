import { describe, expect, it } from 'vitest';
import { renderElements } from './element-list.renderer.js';

describe('renderElements', () => {
  it('renders nothing for a node without forEach', () => {
    expect(renderElements(undefined)).toBe('');
  });

  it('lists every element in a collapsible block, values escaped, no scripts', () => {
    const html = renderElements([
      { index: 0, status: 'SUCCESS', attempts: 1, output: { name: '<script>alert(1)</script>' }, error: null },
      { index: 1, status: 'FAILED', attempts: 3, output: { error: 'HTTP 500' }, error: 'HTTP 500 <b>' },
    ]);
    expect(html).toMatch(/^<details class="elements"><summary>Elements: 2, 1 failed<\/summary>/);
    expect(html).toContain('[0]</span> <span class="badge">SUCCESS</span> attempts: 1');
    expect(html).toContain('[1]</span> <span class="badge">FAILED</span> attempts: 3<pre class="error">HTTP 500 &lt;b&gt;</pre>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('shows at most 500 elements and says how many more there are', () => {
    const elements = Array.from({ length: 600 }, (_, index) => ({ index, status: 'SUCCESS' as const, attempts: 1, output: index, error: null }));
    const html = renderElements(elements);
    expect(html.match(/<li class="element">/g)).toHaveLength(500);
    expect(html).toContain('100 more; GET /executions/:id has them all');
  });
});
