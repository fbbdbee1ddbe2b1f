import { flushTracing } from '../../src/tracing/tracing.js';
import { RecordingServer, sendJson } from './recording-server.js';

/** One exported span, flattened from an OTLP/JSON ExportTraceServiceRequest. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, string | number | boolean> }>;
  status: { code?: number; message?: string };
  serviceName: string;
}

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;

/**
 * An OTLP/HTTP collector on 127.0.0.1 for the JSON protocol: `POST /v1/traces` answers 200 and keeps
 * every span, with the raw bodies for searching (a secret must appear in none of them).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private readonly server = new RecordingServer((request, response) => {
    if (request.method === 'POST' && request.url === '/v1/traces') this.collect(request.json as ExportRequest);
    sendJson(response, 200, {});
  });

  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await receiver.server.start();
    return receiver;
  }

  get url(): string {
    return this.server.url;
  }

  /** Every body received, as sent. */
  get rawBodies(): string[] {
    return this.server.requests.map((request) => request.body);
  }

  /** The standard variables that point a test app at this receiver, exporting quickly. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { OTEL_EXPORTER_OTLP_ENDPOINT: this.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '50', ...extra };
  }

  /** Flushes the SDK until spans matching `predicate` arrived (they end after the HTTP answer, in the worker). */
  async waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 10_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await flushTracing();
      if (predicate(this.spans)) return this.spans;
      if (Date.now() > deadline) throw new Error(`Spans not received in time; got: ${this.spans.map((span) => span.name).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private collect(body: ExportRequest): void {
    for (const resourceSpans of body?.resourceSpans ?? []) {
      const serviceName = String(flatten(resourceSpans.resource?.attributes)['service.name'] ?? '');
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId || undefined,
            name: span.name,
            kind: span.kind,
            attributes: flatten(span.attributes),
            links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: flatten(link.attributes) })),
            status: span.status ?? {},
            serviceName,
          });
        }
      }
    }
  }
}

interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttributes;
        links?: Array<{ traceId: string; spanId: string; attributes?: OtlpAttributes }>;
        status?: { code?: number; message?: string };
      }>;
    }>;
  }>;
}

function flatten(attributes: OtlpAttributes): Record<string, string | number | boolean> {
  const flat: Record<string, string | number | boolean> = {};
  for (const { key, value } of attributes ?? []) {
    flat[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue ?? '';
  }
  return flat;
}
