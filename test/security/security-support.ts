import type TestAgent from 'supertest/lib/agent.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One operation of the OpenAPI document: `path` as documented (`/workflows/{id}`). */
export interface DocumentedRoute {
  method: HttpMethod;
  path: string;
  /** Whether the document asks for the bearer key (admin routes do, public ones do not). */
  bearer: boolean;
}

const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** Paths the admin API key does not guard (docs/webhooks.md). */
export const PUBLIC_PREFIXES = ['/webhook', '/health', '/metrics', '/docs'];

/** Public routes among the admin ones: an execution view opened through a signed link (docs/executions.md) is guarded by its signature. */
export const PUBLIC_PATHS = ['/executions/{id}/signed-view'];

export const isPublicPath = (path: string): boolean => PUBLIC_PATHS.includes(path) || PUBLIC_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** Every operation the running application documents at GET /docs-json. */
export async function documentedRoutes(http: TestAgent): Promise<DocumentedRoute[]> {
  const response = await http.get('/docs-json');
  if (response.status !== 200) throw new Error(`GET /docs-json answered ${response.status}`);
  const paths = response.body.paths as Record<string, Record<string, { security?: unknown[] }>>;
  const routes: DocumentedRoute[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = operations[method];
      if (operation) routes.push({ method, path, bearer: Array.isArray(operation.security) && operation.security.length > 0 });
    }
  }
  return routes;
}

/** `/workflows/{id}` with `{ id: 'x' }` → `/workflows/x`. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`No value for {${name}} in ${path}`);
    return encodeURIComponent(params[name]);
  });
}

export const routeKey = (route: { method: string; path: string }): string => `${route.method.toUpperCase()} ${route.path}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Text in a response body that would mean an internal detail leaked (docs/api-and-executions.md: no stack traces, no SQL). */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat [\w$.<>]+ \(/, // a stack frame: "at fn (file:line)"
  /\bat (file:|node:|\/)/, // an anonymous stack frame
  /QueryFailedError/,
  /\bSELECT\b[\s\S]*\bFROM\b/,
  /\bINSERT INTO\b/,
  /\bUPDATE\b \S+ \bSET\b/,
  /node_modules/,
  /invalid input syntax for type/,
  /TypeError|ReferenceError|RangeError|SyntaxError: Unexpected/,
];

export function leakIn(text: string): string | undefined {
  return LEAK_PATTERNS.find((pattern) => pattern.test(text))?.source;
}
