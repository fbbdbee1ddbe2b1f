import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadNodeReferences, NODE_DOCS_PATH, renderNodeDocs } from './node-docs.js';

describe('docs/nodes.md', () => {
  it('is what `npm run docs:nodes` writes from the current node descriptions', async () => {
    const committed = await readFile(NODE_DOCS_PATH, 'utf8');
    const generated = renderNodeDocs(await loadNodeReferences());
    expect(committed, 'docs/nodes.md is stale: run `npm run docs:nodes` and commit it').toBe(generated);
  });

  it('documents nested fields by path and every registered type', async () => {
    const references = await loadNodeReferences();
    const markdown = renderNodeDocs(references);
    for (const reference of references) expect(markdown).toContain(`## ${reference.type}\n`);
    expect(markdown).toContain('| `conditions[].rules[].operator` | string | yes |');
    expect(markdown).toContain('| `timeoutMs` | integer | no | `30000` | Milliseconds for the whole request. From 1 to 300000. |');
  });
});
