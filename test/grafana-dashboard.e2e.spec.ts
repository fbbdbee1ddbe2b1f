import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

const DASHBOARD = 'deploy/grafana/workflow-executor.json';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr: string }>;
}

/** Metric names a PromQL expression reads: every name followed by a label selector (the dashboard filters each by job). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1]);
}

/** docs/observability.md: a Grafana dashboard for the metrics ships in deploy/grafana/, and queries only what /metrics exports. */
describe('deploy/grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: Array<{ name: string; query: unknown }> } };
  const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('is a Grafana dashboard: uid, title, schema version, panels with unique ids, grid positions and Prometheus queries', () => {
    expect(dashboard).toMatchObject({ uid: 'workflow-executor', title: 'Workflow Executor', schemaVersion: expect.any(Number) });
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect(['timeseries', 'stat'], panel.title).toContain(panel.type);
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(metricNames(target.expr).length, target.expr).toBeGreaterThan(0);
    }
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'job']);
  });

  it('covers ingest by status code, executions by status, p50/p99 durations, queue depth and age, node failures by type', () => {
    const all = queries.join('\n');
    expect(all).toContain('sum by (status_code) (rate(webhook_requests_total');
    expect(all).toContain('sum by (status) (rate(workflow_executions_finished_total');
    expect(all).toMatch(/histogram_quantile\(0\.5, sum by \(le\) \(rate\(workflow_execution_duration_seconds_bucket/);
    expect(all).toMatch(/histogram_quantile\(0\.99, sum by \(le\) \(rate\(workflow_execution_duration_seconds_bucket/);
    expect(all).toContain('workflow_executions_pending{');
    expect(all).toContain('workflow_execution_oldest_pending_age_seconds{');
    expect(all).toContain('sum by (node_type) (rate(workflow_node_duration_seconds_count{job=~"$job", status="FAILED"}');
  });

  it('queries only metric names the service really exports on /metrics', async () => {
    const scraped = (await t.http.get('/metrics').expect(200)).text;
    const types = new Map([...scraped.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]]));
    const exported = (name: string) => {
      if (types.has(name)) return true;
      const histogram = /^(.*)_(bucket|count|sum)$/.exec(name);
      return histogram !== null && (types.get(histogram[1]) === 'histogram' || types.get(histogram[1]) === 'summary');
    };
    const variables = dashboard.templating.list.map((variable) => JSON.stringify(variable.query)).join(' ');
    const names = new Set([...queries.flatMap(metricNames), ...[...variables.matchAll(/label_values\((\w+)/g)].map((match) => match[1])]);
    expect(names.size).toBeGreaterThan(8);
    expect([...names].filter((name) => !exported(name))).toEqual([]);
  });
});
