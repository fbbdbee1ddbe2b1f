import { context, propagation, ROOT_CONTEXT, trace, isSpanContextValid, type Context, type Tracer } from '@opentelemetry/api';

/** OpenTelemetry settings read from the standard OTEL_* variables (app-config.ts); null: tracing off. */
export interface TracingConfig {
  /** Where spans are posted (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces). */
  tracesUrl: string;
  protocol: 'http/json' | 'http/protobuf';
  serviceName: string;
  sampler: TracesSampler;
  /** The ratio of the *traceidratio samplers, 0 to 1. */
  samplerRatio: number;
  /** OTEL_BSP_SCHEDULE_DELAY: how long spans wait to be exported in a batch. */
  exportDelayMs: number;
}

export const TRACES_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/**
 * The tracer once tracing has started, else undefined. Every instrumented place tests it first
 * (`if (tracer)`), so with tracing off the SDK is never loaded and a request pays one read of this
 * binding: no context manager, no AsyncLocalStorage, no span objects.
 */
export let tracer: Tracer | undefined;
let provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> } | undefined;

/**
 * Loads the SDK (dynamic imports: nothing of it is loaded with tracing off) and registers it
 * process-wide with the W3C trace-context propagator. Idempotent: several applications in one
 * process (tests of queue mode) share the first one's set-up.
 */
export async function startTracing(config: TracingConfig | null): Promise<void> {
  if (!config || tracer) return;
  const [sdk, { W3CTraceContextPropagator }, { resourceFromAttributes }, exporters] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
    config.protocol === 'http/protobuf' ? import('@opentelemetry/exporter-trace-otlp-proto') : import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  if (tracer) return;
  const exporter = new exporters.OTLPTraceExporter({ url: config.tracesUrl });
  const ratio = new sdk.TraceIdRatioBasedSampler(config.samplerRatio);
  const root = { always_on: new sdk.AlwaysOnSampler(), always_off: new sdk.AlwaysOffSampler(), traceidratio: ratio }[config.sampler.replace('parentbased_', '')]!;
  const sampler = config.sampler.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root }) : root;
  const created = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler,
    spanProcessors: [new sdk.BatchSpanProcessor(exporter, { scheduledDelayMillis: config.exportDelayMs })],
  });
  created.register({ propagator: new W3CTraceContextPropagator() });
  provider = created;
  tracer = trace.getTracer('workflow-executor');
}

/** Exports what is still buffered (the tests, and shutdown). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Exports the rest and unregisters everything, so that a later startTracing starts afresh. */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  tracer = undefined;
  provider = undefined;
  if (!stopping) return;
  await stopping.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}

/**
 * The active span as a W3C `traceparent`, to be stored with an execution so that whichever process
 * runs it later continues the trace (execution-spans.ts). Null without a valid span.
 */
export function activeTraceparent(): string | null {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return null;
  return `00-${spanContext.traceId}-${spanContext.spanId}-0${spanContext.traceFlags & 1}`;
}

/** A context whose remote parent is the stored `traceparent` (or the root context when it is unreadable). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** The `trace_id` and `span_id` of the active span, for log lines (pino mixin); empty without one. */
export function activeTraceIds(): Record<string, string> {
  const spanContext = trace.getSpanContext(context.active());
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
