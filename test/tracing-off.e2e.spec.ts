import { context, trace } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerParams } from '../src/logging/logger-options.js';
import { tracer } from '../src/tracing/tracing.js';
import { createWebhook, createWorkflow, waitForExecution, workflowBody } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** docs/observability.md: without an OTLP endpoint, tracing costs nothing: no SDK registered, no span, no stored context. */
describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ OTEL_SERVICE_NAME: 'set-but-no-endpoint', OTEL_TRACES_SAMPLER: 'always_on' });
  });
  afterAll(() => t?.close());

  it('registers nothing, stores no trace context, and ignores a caller\'s traceparent', async () => {
    expect(t.config.tracing).toBeNull();
    expect(tracer).toBeUndefined();
    // The API's global provider is still its no-op: the SDK was never registered.
    expect(trace.getTracerProvider().getTracer('x').startSpan('probe').isRecording()).toBe(false);
    expect((loggerParams(t.config).pinoHttp as { mixin?: unknown }).mixin).toBeUndefined();

    const workflow = await createWorkflow(t, workflowBody([{ name: 'Start', type: 'trigger' }, { name: 'Wait', type: 'wait', parameters: { mode: 'duration', durationMs: 10 } }], [['Start', 'Wait']]));
    const hook = await createWebhook(t, workflow.id);
    const { executionId } = (await t.http.post(`/webhook/handler/${hook.id}`).set('traceparent', `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`).send({}).expect(202)).body;
    expect((await waitForExecution(t, executionId)).status).toBe('COMPLETED');
    const [row] = await t.app.get(DataSource).query('SELECT "traceContext" FROM workflow_executions WHERE id = $1', [executionId]);
    expect(row.traceContext).toBeNull();
  });
});
