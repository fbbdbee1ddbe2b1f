import { afterAll, describe, expect, it } from 'vitest';
import { flushTracing, startTracing, stopTracing, tracer } from '../src/tracing/tracing.js';
import { RecordingServer, sendJson } from './support/recording-server.js';

/** OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (the OTLP default) exports protobuf to the traces URL. */
describe('tracing over OTLP/HTTP protobuf', () => {
  let collector: RecordingServer;
  afterAll(async () => {
    await stopTracing();
    await collector?.close();
  });

  it('posts application/x-protobuf to the traces URL, and stops cleanly', async () => {
    collector = await new RecordingServer((_request, response) => sendJson(response, 200, {})).start();
    await startTracing({ tracesUrl: `${collector.url}/v1/traces`, protocol: 'http/protobuf', serviceName: 'proto-test', sampler: 'always_on', samplerRatio: 1, exportDelayMs: 50 });
    tracer!.startSpan('probe-span').end();
    await flushTracing();
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]).toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect(collector.requests[0].headers['content-type']).toBe('application/x-protobuf');
    expect(collector.requests[0].body).toContain('probe-span');
    await stopTracing();
    expect(tracer).toBeUndefined();
  });
});
