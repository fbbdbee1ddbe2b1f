import type { ExecutionDto } from './dto/execution.dto.js';
import { GRAPH_STYLE, renderGraphSvg, type GraphDefinition } from './execution-graph.svg.js';
import type { NodeExecution } from './execution.types.js';
import { renderElements } from './element-list.renderer.js';
import { escapeHtml } from './html-escape.js';

/**
 * The admin's HTML view of one execution: a server-rendered page with no script and no outside
 * asset. Everything that comes from an execution (webhook bodies, headers, node names, errors) is
 * outside data, so every interpolation goes through escapeHtml; numbers and the fixed status
 * classes are the only values written raw.
 */

export { escapeHtml };

/** A node's stored input/output may be up to 1 MiB (docs/workflows.md): beyond this the page shows a prefix. */
const MAX_JSON_CHARS = 100_000;

/**
 * The Content-Security-Policy of every HTML execution page (this view, and any other page of an
 * execution: reuse this constant): no script at all, no fetch, no frame, no form; only inline
 * styles and data: images (an inline SVG picture).
 */
export const EXECUTION_VIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Status → colour name in class names. A fixed map, so no stored string reaches an attribute. */
const STATUS_TONE: Record<string, string> = {
  PENDING: 'pending',
  RUNNING: 'running',
  WAITING: 'waiting',
  COMPLETED: 'ok',
  SUCCESS: 'ok',
  FAILED: 'failed',
  CANCELED: 'canceled',
  SKIPPED: 'skipped',
};

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:24px;background:#f6f7f9;color:#1d2330}
h1{font-size:20px;margin:0 0 12px;word-break:break-all}
h2{font-size:16px;margin:24px 0 10px}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:16px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
.meta dt{color:#5a6475}.meta dd{margin:0;word-break:break-all}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;vertical-align:middle}
.bg-pending{background:#7b8494}.bg-running{background:#2f6fde}.bg-waiting{background:#c98a00}
.bg-ok{background:#1f8a4c}.bg-failed{background:#c62f3a}.bg-canceled{background:#4a505c}.bg-skipped{background:#a3aab6}
.error{background:#fdecee;border:1px solid #f2b8be;color:#8c1a24;border-radius:6px;padding:8px 10px;white-space:pre-wrap;word-break:break-word;margin:8px 0 0}
ol.timeline{list-style:none;margin:0;padding:0}
.node{background:#fff;border:1px solid #dde1e8;border-left:6px solid #a3aab6;border-radius:8px;padding:12px 14px;margin:0 0 10px}
.edge-ok{border-left-color:#1f8a4c}.edge-failed{border-left-color:#c62f3a}.edge-running{border-left-color:#2f6fde}.edge-skipped{opacity:.75}
.node-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 12px}
.node-name{font-weight:600;font-size:15px}.node-type,.facts{color:#5a6475}
.bar{position:relative;height:6px;background:#eef0f4;border-radius:3px;margin:8px 0 4px}
.bar span{position:absolute;top:0;bottom:0;border-radius:3px;min-width:2px}
details{margin-top:6px}summary{cursor:pointer;color:#2f4a7a}
pre.json{background:#f3f5f8;border:1px solid #e2e6ec;border-radius:6px;padding:8px 10px;margin:6px 0 0;max-height:420px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.muted{color:#7b8494}
.wf-name{margin:0 0 4px;font-size:15px;font-weight:600;color:#2f4a7a;word-break:break-word}
.warn{background:#fff6e0;border:1px solid #f0d08a;color:#6b4a00;border-radius:6px;padding:8px 10px;margin:8px 0 0}
.mark{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#fff6e0;border:1px solid #f0d08a;color:#6b4a00}
.links{margin:10px 0 0}a{color:#2f4a7a}
ol.attempts{margin:6px 0 0;padding-left:18px}
${GRAPH_STYLE}`;

/**
 * What the page shows besides the execution: the workflow version it ran (name and graph), when it
 * is still stored, and how it was opened (a signed link cannot open the JSON without the API key).
 */
export interface ExecutionViewContext {
  workflow?: { name: string } & GraphDefinition;
  /** Opened through a signed view link (no API key in the browser). */
  signedLink?: boolean;
}

/**
 * Related executions. docs/executions.md adds `parentExecutionId` and `children` to the execution resource
 * (sub-workflows, docs/lists-and-subworkflows.md); when they exist the page links them, so nothing here changes then.
 */
type Related = { parentExecutionId?: string | null; children?: ReadonlyArray<string | { id: string }> | null };

export function renderExecutionView(execution: Omit<ExecutionDto, 'children'> & Related, context: ExecutionViewContext = {}): string {
  const nodes = execution.nodeExecutions ?? [];
  const title = `Execution ${execution.id}`;
  const workflow = context.workflow;
  const continued = execution.status === 'COMPLETED' ? nodes.filter((node) => node.status === 'FAILED') : [];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="card">
${workflow ? `<p class="wf-name">${escapeHtml(workflow.name)}</p>` : ''}
<h1>${escapeHtml(title)} ${badge(execution.status)}</h1>
<dl class="meta">
${fact('Workflow', `${workflow ? `${escapeHtml(workflow.name)} · ` : ''}<code>${escapeHtml(execution.workflowId)}</code> · version ${escapeHtml(execution.workflowVersion)}`)}
${fact('Mode', escapeHtml(execution.mode))}
${execution.webhookId ? fact('Webhook', `<code>${escapeHtml(execution.webhookId)}</code>`) : ''}
${execution.retryOf ? fact('Retry of', `<code>${escapeHtml(execution.retryOf)}</code>`) : ''}
${relatedFacts(execution)}
${fact('Created', escapeHtml(execution.createdAt))}
${fact('Started', escapeHtml(execution.startedAt ?? '—'))}
${fact('Completed', escapeHtml(execution.completedAt ?? '—'))}
${fact('Duration', formatMs(execution.durationMs))}
</dl>
${execution.error ? `<pre class="error">${escapeHtml(execution.error)}</pre>` : ''}
${continued.length ? `<p class="warn">Completed, but ${continued.length} node${continued.length > 1 ? 's' : ''} failed and the run went on (continueOnFail): ${continued.map((node) => escapeHtml(node.nodeName)).join(', ')}</p>` : ''}
${jsonBlock('Trigger data', execution.triggerData)}
<p class="links">JSON: <a href="/executions/${escapeHtml(encodeURIComponent(execution.id))}">GET /executions/${escapeHtml(execution.id)}</a> <span class="muted">(needs <code>Authorization: Bearer &lt;api key&gt;</code>${context.signedLink ? '; this page was opened with a view link, which opens only this page' : ''})</span></p>
</header>
${workflow?.nodes.length ? `<h2>Graph</h2>\n${renderGraphSvg(workflow, nodes)}` : ''}
<h2>Nodes (${nodes.length}, in the order they started)</h2>
${nodes.length ? `<ol class="timeline">\n${nodes.map((node, index) => renderNode(node, index, execution)).join('\n')}\n</ol>` : '<p class="muted">No node has run yet.</p>'}
</body>
</html>
`;
}

/** Parent and children, as links to their views (which, like this one, need the key or a view link). */
function relatedFacts(execution: Related): string {
  const view = (id: string) => `<a href="/executions/${escapeHtml(encodeURIComponent(id))}/view"><code>${escapeHtml(id)}</code></a>`;
  const children = (execution.children ?? []).map((child) => (typeof child === 'string' ? child : child.id));
  return [
    execution.parentExecutionId ? fact('Parent', view(execution.parentExecutionId)) : '',
    children.length ? fact('Children', children.map(view).join(' ')) : '',
  ].join('');
}

/** Every try's error where the record keeps them; else the last error with the number of tries. */
function errorBlock(node: NodeExecution & { attemptErrors?: readonly string[] }): string {
  const attempts = node.attemptErrors ?? [];
  if (attempts.length > 1) {
    return `<ol class="attempts">${attempts.map((error, i) => `<li><span class="muted">attempt ${i + 1}</span><pre class="error">${escapeHtml(error)}</pre></li>`).join('')}</ol>`;
  }
  if (!node.error) return '';
  const label = node.attempts > 1 ? `<div class="muted">error of the last of ${escapeHtml(node.attempts)} attempts</div>` : '';
  return `${label}<pre class="error">${escapeHtml(node.error)}</pre>`;
}

function renderNode(node: NodeExecution, index: number, execution: Omit<ExecutionDto, 'children'>): string {
  const facts = [
    `attempts: ${escapeHtml(node.attempts)}`,
    // Every node that succeeds records output 0; it says something only where there is a choice.
    typeof node.branch === 'number' && (node.branch > 0 || node.nodeType === 'condition') ? `output taken: ${node.branch}` : '',
    node.startedAt ? `started ${escapeHtml(node.startedAt)}${offsetText(node, execution)}` : 'not started',
    `duration: ${node.status === 'RUNNING' ? 'running' : formatMs(node.executionTime)}`,
  ].filter(Boolean);
  return `<li class="node edge-${tone(node.status)}">
<div class="node-head"><span class="muted">#${index + 1}</span><span class="node-name">${escapeHtml(node.nodeName)}</span><span class="node-type">${escapeHtml(node.nodeType)}</span>${badge(node.status)}${node.status === 'FAILED' && execution.status === 'COMPLETED' ? '<span class="mark">continued after failure</span>' : ''}</div>
<div class="facts">${facts.join(' · ')}</div>
${timingBar(node, execution)}
${errorBlock(node)}
${jsonBlock('Input', node.input)}
${jsonBlock('Output', node.output)}
${renderElements(node.elements)}
</li>`;
}

/** Where the node ran within the execution, as a bar: only numbers reach the style attribute. */
function timingBar(node: NodeExecution, execution: Omit<ExecutionDto, 'children'>): string {
  const start = Date.parse(execution.startedAt ?? '');
  const nodeStart = Date.parse(node.startedAt ?? '');
  const total = execution.durationMs;
  if (!Number.isFinite(start) || !Number.isFinite(nodeStart) || !total || total <= 0) return '';
  const left = clampPercent(((nodeStart - start) / total) * 100);
  const width = Math.min(clampPercent(((node.executionTime ?? 0) / total) * 100), 100 - left);
  return `<div class="bar" title="position within the execution"><span class="bg-${tone(node.status)}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></div>`;
}

function offsetText(node: NodeExecution, execution: Omit<ExecutionDto, 'children'>): string {
  const offset = Date.parse(node.startedAt ?? '') - Date.parse(execution.startedAt ?? '');
  return Number.isFinite(offset) ? ` (+${formatMs(offset)})` : '';
}

function jsonBlock(label: string, value: unknown): string {
  if (value === undefined || value === null) return `<div class="muted">${escapeHtml(label)}: none</div>`;
  let text = JSON.stringify(value, null, 2) ?? String(value);
  let note = '';
  if (text.length > MAX_JSON_CHARS) {
    note = ` — first ${MAX_JSON_CHARS.toLocaleString('en')} of ${text.length.toLocaleString('en')} characters; GET /executions/:id has all`;
    text = text.slice(0, MAX_JSON_CHARS);
  }
  return `<details><summary>${escapeHtml(label)}${escapeHtml(note)}</summary><pre class="json">${escapeHtml(text)}</pre></details>`;
}

function fact(label: string, html: string): string {
  return `<dt>${escapeHtml(label)}</dt><dd>${html}</dd>`;
}

function badge(status: string): string {
  return `<span class="badge bg-${tone(status)}">${escapeHtml(status)}</span>`;
}

function tone(status: string): string {
  return STATUS_TONE[status] ?? 'pending';
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 100) : 0;
}

function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
