/**
 * Reads the free-form `connections` object of a definition (docs/workflows.md) into edges, reporting every
 * malformed entry, then answers the graph questions validation asks: cycles and reachability.
 */
export interface Edge {
  from: string;
  output: number;
  to: string;
}

interface ParsedConnections {
  edges: Edge[];
  errors: string[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isIndex = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * `nodeNames` lists the nodes that exist; `outputsOf` says how many outputs a node has, or
 * undefined when unknown (its type or parameters are already invalid, so no output check).
 * Edges to or from missing nodes are reported and left out.
 */
export function parseConnections(connections: unknown, nodeNames: ReadonlySet<string>, outputsOf: (name: string) => number | undefined): ParsedConnections {
  if (connections === undefined || connections === null) return { edges: [], errors: [] };
  if (!isRecord(connections)) return { edges: [], errors: ['connections: must be an object keyed by source node name'] };
  const edges: Edge[] = [];
  const errors: string[] = [];
  for (const [from, entry] of Object.entries(connections)) {
    const at = `connections."${from}"`;
    if (!nodeNames.has(from)) {
      errors.push(`${at}: source node "${from}" does not exist`);
      continue;
    }
    if (!isRecord(entry) || !Array.isArray(entry.main)) {
      errors.push(`${at}: must be { "main": [[targets of output 0], …] }`);
      continue;
    }
    for (const key of Object.keys(entry)) if (key !== 'main') errors.push(`${at}: connection type "${key}" is not supported (only "main")`);
    const outputs = outputsOf(from);
    entry.main.forEach((targets: unknown, output: number) => {
      // n8n exports hold null for an output with no targets.
      if (targets === null) return;
      if (!Array.isArray(targets)) {
        errors.push(`${at}.main[${output}]: must be an array of targets`);
        return;
      }
      if (targets.length && outputs !== undefined && output >= outputs) {
        errors.push(`${at}.main[${output}]: node "${from}" has ${outputs} output(s), so output ${output} does not exist`);
        return;
      }
      targets.forEach((target: unknown, position: number) => {
        const problem = targetProblem(target, nodeNames);
        if (problem) errors.push(`${at}.main[${output}][${position}]: ${problem}`);
        else edges.push({ from, output, to: (target as { node: string }).node });
      });
    });
  }
  return { edges, errors };
}

function targetProblem(target: unknown, nodeNames: ReadonlySet<string>): string | undefined {
  if (!isRecord(target)) return 'must be { "node", "type": "main", "index" }';
  const unknownKeys = Object.keys(target).filter((key) => !['node', 'type', 'index'].includes(key));
  if (unknownKeys.length) return `unknown field(s) ${unknownKeys.map((key) => `"${key}"`).join(', ')}`;
  if (typeof target.node !== 'string') return 'field "node" must be a node name';
  if (!nodeNames.has(target.node)) return `target node "${target.node}" does not exist`;
  if (target.type !== undefined && target.type !== 'main') return 'field "type" must be "main"';
  if (target.index !== undefined && !isIndex(target.index)) return 'field "index" must be a non-negative integer';
  return undefined;
}

function successors(edges: readonly Edge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const list = next.get(edge.from) ?? [];
    list.push(edge.to);
    next.set(edge.from, list);
  }
  return next;
}

/** One cycle as the path of node names that closes it (first name repeated at the end), if any. */
export function findCycle(names: readonly string[], edges: readonly Edge[]): string[] | undefined {
  const next = successors(edges);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  // Iterative depth-first search: 200 nodes would not overflow the stack, but a chain is cheap to avoid.
  for (const start of names) {
    if (state.has(start)) continue;
    const stack: Array<{ name: string; children: string[]; at: number }> = [{ name: start, children: next.get(start) ?? [], at: 0 }];
    state.set(start, 'visiting');
    path.push(start);
    while (stack.length) {
      const frame = stack[stack.length - 1];
      if (frame.at === frame.children.length) {
        state.set(frame.name, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const child = frame.children[frame.at++];
      const seen = state.get(child);
      if (seen === 'visiting') return [...path.slice(path.indexOf(child)), child];
      if (seen === 'done') continue;
      state.set(child, 'visiting');
      path.push(child);
      stack.push({ name: child, children: next.get(child) ?? [], at: 0 });
    }
  }
  return undefined;
}

/** Names of the nodes some path from `start` reaches, `start` included. */
export function reachableFrom(start: string, edges: readonly Edge[]): Set<string> {
  const next = successors(edges);
  const reached = new Set([start]);
  const queue = [start];
  while (queue.length) {
    for (const child of next.get(queue.shift()!) ?? []) {
      if (reached.has(child)) continue;
      reached.add(child);
      queue.push(child);
    }
  }
  return reached;
}
