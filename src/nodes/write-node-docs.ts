import { writeFile } from 'node:fs/promises';
import { loadNodeReferences, NODE_DOCS_PATH, renderNodeDocs } from './node-docs.js';

/** `npm run docs:nodes`: rewrites docs/nodes.md from the node descriptions. */
await writeFile(NODE_DOCS_PATH, renderNodeDocs(await loadNodeReferences()));
console.log(`wrote ${NODE_DOCS_PATH}`);
