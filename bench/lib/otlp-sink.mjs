import http from 'node:http';

/**
 * An OTLP/HTTP receiver for `--tracing=<ratio>`: takes every export the service posts, counts the
 * requests and bytes and drops the spans, answering 200 with an empty body (an empty
 * ExportTraceServiceResponse in either protocol). It runs in the bench's own process, so what it
 * costs is the bench's, not the service's: the figures show what producing and exporting spans
 * costs the service.
 */
export class OtlpSink {
  requests = 0;
  bytes = 0;

  constructor() {
    this.server = http.createServer((request, response) => {
      request.on('data', (chunk) => (this.bytes += chunk.length));
      request.on('end', () => {
        this.requests += 1;
        response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf', 'content-length': '0' });
        response.end();
      });
    });
  }

  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this;
  }

  /** The standard variables that send a service's spans here, sampled at `ratio` (protobuf, the OTLP default). */
  env(ratio) {
    return {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${this.port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(ratio),
      OTEL_SERVICE_NAME: 'workflow-executor-bench',
    };
  }

  stats() {
    return { exportRequests: this.requests, exportBytes: this.bytes };
  }

  close() {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
