import type { TestApp } from './test-app.js';

/** The value of one sample in Prometheus text format; 0 when the series has not appeared yet. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ? match[2].split(',') : [];
    if (wanted.every((label) => present.includes(label)) && present.length === wanted.length) return Number(match[3]);
  }
  return 0;
}

/** `workflow_executions_created_total{mode}` of the app now (GET /metrics). */
export async function createdCount(t: TestApp, mode: string): Promise<number> {
  return sample((await t.http.get('/metrics').expect(200)).text, 'workflow_executions_created_total', { mode });
}
