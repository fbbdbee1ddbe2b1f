import dagre from '@dagrejs/dagre';
import { parseConnections, type Edge } from '../workflows/workflow-connections.js';
import type { WorkflowConnections, WorkflowNode } from '../workflows/workflow.types.js';
import type { NodeExecution } from './execution.types.js';
import { escapeHtml } from './html-escape.js';

/**
 * The workflow of an execution as an inline SVG, laid out on the server with dagre: one box per
 * node coloured by the status its record has, the connections the run followed drawn bold, the
 * others faint. Script-free and asset-free like the page around it; node names and types are
 * outside data, so every label is escaped, and only numbers and fixed class names reach attributes.
 */

export interface GraphDefinition {
  nodes: readonly WorkflowNode[];
  connections: WorkflowConnections | unknown;
  /**
   * Names an immutable definition (a workflow version): its layout, which does not depend on the
   * run, is computed once. Laying out 200 nodes takes a noticeable fraction of a second of CPU.
   */
  layoutKey?: string;
}

interface Layout {
  width: number;
  height: number;
  edges: Edge[];
  /** Points of each edge, by index in `edges`. */
  points: Array<Array<{ x: number; y: number }>>;
  boxes: Map<string, { x: number; y: number; width: number }>;
}

const LAYOUT_CACHE_LIMIT = 200;
const layouts = new Map<string, Layout>();

const BOX_HEIGHT = 48;
const MIN_WIDTH = 120;
const MAX_WIDTH = 230;
/** Approximate width of a bold 13px system-ui character, enough to size boxes without a font engine. */
const CHAR_PX = 8.2;
const MAX_LABEL_CHARS = 28;
const MARGIN = 12;

/** Record status → class; a node with no record did not run (the execution stopped first). */
const STATUS_CLASS: Record<string, string> = { SUCCESS: 'ok', FAILED: 'failed', RUNNING: 'running', SKIPPED: 'skipped' };

export const GRAPH_STYLE = `
.graph{overflow:auto;background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:8px;margin:0}
.graph svg{display:block;max-width:none}
.g-node rect{stroke-width:2;rx:7;ry:7}
.g-node text{font:600 13px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1d2330}
.g-node text.g-sub{font-weight:400;font-size:11px;fill:#4d5666}
.g-ok rect{fill:#e6f4ec;stroke:#1f8a4c}.g-failed rect{fill:#fdecee;stroke:#c62f3a}.g-running rect{fill:#e8f0fd;stroke:#2f6fde}
.g-skipped rect{fill:#f1f2f4;stroke:#b7bcc6;stroke-dasharray:5 4}.g-skipped text{fill:#8a919d}
.g-notrun rect{fill:#fff;stroke:#c3c8d1;stroke-dasharray:2 3}.g-notrun text{fill:#8a919d}
.g-edge{fill:none;stroke:#c3c8d1;stroke-width:1.5}
.g-edge.g-taken{stroke:#1f8a4c;stroke-width:2.75}
.g-out{font:600 11px system-ui,sans-serif;fill:#5a6475}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 0;padding:0;list-style:none;color:#5a6475;font-size:12px}
.legend span{display:inline-block;width:12px;height:12px;border-radius:3px;border:2px solid;vertical-align:-2px;margin-right:4px}
.legend .lg-ok{background:#e6f4ec;border-color:#1f8a4c}.legend .lg-failed{background:#fdecee;border-color:#c62f3a}.legend .lg-running{background:#e8f0fd;border-color:#2f6fde}
.legend .lg-skipped{background:#f1f2f4;border-color:#b7bcc6;border-style:dashed}.legend .lg-notrun{background:#fff;border-color:#c3c8d1;border-style:dotted}
.legend .lg-taken{width:18px;height:0;border-width:3px 0 0;border-color:#1f8a4c;border-radius:0;vertical-align:3px}
`;

export function renderGraphSvg(definition: GraphDefinition, records: readonly NodeExecution[]): string {
  const nodes = definition.nodes;
  if (!nodes.length) return '';
  const byName = new Map(records.map((record) => [record.nodeName, record]));
  const { width, height, edges, points: edgePoints, boxes: boxLayout } = layoutOf(definition);
  const multiOutput = new Set(edges.filter((edge) => edge.output > 0).map((edge) => edge.from));

  const edgePaths = edges.map((edge, index) => {
    const points = edgePoints[index];
    if (points.length < 2) return '';
    const taken = wasTaken(edge, byName, nodes);
    const path = `M${points.map((point) => `${num(point.x)},${num(point.y)}`).join(' L')}`;
    // Which output a connection leaves from, where a node has several.
    return `<path class="g-edge${taken ? ' g-taken' : ''}" d="${path}" marker-end="url(#${taken ? 'arrow-taken' : 'arrow'})"/>`;
  });
  // Which output a connection leaves from, where a node has several: drawn over the boxes, along
  // the first segment of the connection.
  const outputLabels = edges.map((edge, index) => {
    const points = edgePoints[index];
    if (!multiOutput.has(edge.from) || points.length < 2) return '';
    return `<text class="g-out" x="${num((points[0].x + points[1].x) / 2)}" y="${num((points[0].y + points[1].y) / 2 - 5)}">${edge.output}</text>`;
  });
  const boxes = nodes.map((node) => {
    const layout = boxLayout.get(node.name)!;
    const record = byName.get(node.name);
    const state = record ? (STATUS_CLASS[record.status] ?? 'notrun') : 'notrun';
    const stateText = record ? record.status : 'not run';
    const w = layout.width;
    const x = layout.x - w / 2;
    const y = layout.y - BOX_HEIGHT / 2;
    return `<g class="g-node g-${state}"><title>${escapeHtml(`${node.name} (${node.type}): ${stateText}`)}</title><rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${BOX_HEIGHT}"/><text x="${num(x + 10)}" y="${num(y + 20)}">${escapeHtml(shorten(node.name))}</text><text class="g-sub" x="${num(x + 10)}" y="${num(y + 37)}">${escapeHtml(shorten(`${node.type} · ${stateText.toLowerCase()}`))}</text></g>`;
  });
  return `<div class="graph"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Workflow graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#c3c8d1"/></marker><marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1f8a4c"/></marker></defs>
${edgePaths.join('\n')}
${boxes.join('\n')}
${outputLabels.join('')}
</svg></div>
<ul class="legend"><li><span class="lg-ok"></span>succeeded</li><li><span class="lg-failed"></span>failed</li><li><span class="lg-running"></span>running</li><li><span class="lg-skipped"></span>skipped</li><li><span class="lg-notrun"></span>not run</li><li><span class="lg-taken"></span>connection followed</li></ul>`;
}

function layoutOf(definition: GraphDefinition): Layout {
  const cached = definition.layoutKey === undefined ? undefined : layouts.get(definition.layoutKey);
  if (cached) return cached;
  const nodes = definition.nodes;
  const { edges } = parseConnections(definition.connections, new Set(nodes.map((node) => node.name)), () => undefined);
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  // Large graphs rank with the cheaper longest-path ranker: the default (network simplex) gives
  // tighter drawings but grows quickly with the number of nodes.
  graph.setGraph({ rankdir: 'LR', nodesep: 26, ranksep: 64, edgesep: 14, marginx: MARGIN, marginy: MARGIN, ranker: nodes.length > 60 ? 'longest-path' : 'network-simplex' });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.name, { width: boxWidth(node), height: BOX_HEIGHT });
  edges.forEach((edge, index) => graph.setEdge(edge.from, edge.to, {}, `${index}`));
  dagre.layout(graph);
  const size = graph.graph();
  const layout: Layout = {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    edges,
    points: edges.map((edge, index) => graph.edge({ v: edge.from, w: edge.to, name: `${index}` })?.points ?? []),
    boxes: new Map(nodes.map((node) => [node.name, { x: graph.node(node.name).x!, y: graph.node(node.name).y!, width: graph.node(node.name).width }])),
  };
  if (definition.layoutKey !== undefined) {
    if (layouts.size >= LAYOUT_CACHE_LIMIT) layouts.delete(layouts.keys().next().value!);
    layouts.set(definition.layoutKey, layout);
  }
  return layout;
}

/**
 * A connection was followed when its source produced output on that output index (a success with
 * that branch, or a failure let through by continueOnFail, which outputs on 0) and its target ran.
 */
function wasTaken(edge: Edge, records: ReadonlyMap<string, NodeExecution>, nodes: readonly WorkflowNode[]): boolean {
  const source = records.get(edge.from);
  const target = records.get(edge.to);
  if (!source || !target || target.status === 'SKIPPED') return false;
  const passedOn = source.status === 'SUCCESS' || (source.status === 'FAILED' && nodes.find((node) => node.name === edge.from)?.continueOnFail === true);
  return passedOn && (source.branch ?? 0) === edge.output;
}

function boxWidth(node: WorkflowNode): number {
  const longest = Math.max(Math.min(node.name.length, MAX_LABEL_CHARS), Math.min(node.type.length + 12, MAX_LABEL_CHARS));
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(longest * CHAR_PX + 24)));
}

const shorten = (text: string): string => (text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text);

/** Coordinates are numbers dagre computed; rounded so the markup stays small. */
const num = (value: number): string => (Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '0');
