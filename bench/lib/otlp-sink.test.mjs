import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readOptions } from './options.mjs';
import { OtlpSink } from './otlp-sink.mjs';

test('--tracing=<ratio> is read as a sampling ratio from 0 to 1, absent by default', () => {
  assert.equal(readOptions([], {}).tracing, undefined);
  assert.equal(readOptions(['--tracing=0.01'], {}).tracing, 0.01);
  assert.equal(readOptions(['--tracing=1'], {}).tracing, 1);
  assert.throws(() => readOptions(['--tracing=2'], {}), /--tracing must be a sampling ratio from 0 to 1/);
});

test('the OTLP sink answers exports with 200 and counts them', async () => {
  const sink = await new OtlpSink().start();
  try {
    const env = sink.env(0.5);
    assert.equal(env.OTEL_TRACES_SAMPLER_ARG, '0.5');
    const response = await fetch(`${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.alloc(10) });
    assert.equal(response.status, 200);
    assert.deepEqual(sink.stats(), { exportRequests: 1, exportBytes: 10 });
  } finally {
    await sink.close();
  }
});
