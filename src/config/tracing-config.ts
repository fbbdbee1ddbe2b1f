import { TRACES_SAMPLERS, type TracesSampler, type TracingConfig } from '../tracing/tracing.js';
import { ConfigError } from './app-config.js';

type Env = Record<string, string | undefined>;

const PROTOCOLS = ['http/protobuf', 'http/json'] as const;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function httpUrl(name: string, raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(name, 'must use http: or https: (OTLP over gRPC is not supported)');
  return raw;
}

/**
 * Tracing from the standard OpenTelemetry variables (docs/observability.md): off (null) unless an OTLP endpoint
 * is set, or when OTEL_SDK_DISABLED=true. As the OpenTelemetry specification says, a signal-specific
 * endpoint (…_TRACES_ENDPOINT) is used as it is, the general one gets `/v1/traces` appended.
 */
export function tracingConfig(env: Env): TracingConfig | null {
  if (read(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return null;
  const tracesEndpoint = read(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!tracesEndpoint && !endpoint) return null;
  const tracesUrl = tracesEndpoint
    ? httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint)
    : `${httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint!).replace(/\/+$/, '')}/v1/traces`;

  const protocolVariable = read(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = read(env, protocolVariable) ?? 'http/protobuf';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw new ConfigError(protocolVariable, `must be one of ${PROTOCOLS.join(', ')}, got "${protocol}"`);

  const sampler = read(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  if (!(TRACES_SAMPLERS as readonly string[]).includes(sampler)) throw new ConfigError('OTEL_TRACES_SAMPLER', `must be one of ${TRACES_SAMPLERS.join(', ')}, got "${sampler}"`);
  const ratioText = read(env, 'OTEL_TRACES_SAMPLER_ARG');
  const samplerRatio = ratioText === undefined ? 1 : Number(ratioText);
  if (!Number.isFinite(samplerRatio) || samplerRatio < 0 || samplerRatio > 1) throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a number from 0 to 1, got "${ratioText}"`);

  const delayText = read(env, 'OTEL_BSP_SCHEDULE_DELAY');
  const exportDelayMs = delayText === undefined ? 5000 : Number(delayText);
  if (!Number.isInteger(exportDelayMs) || exportDelayMs < 1 || exportDelayMs > 600_000) throw new ConfigError('OTEL_BSP_SCHEDULE_DELAY', `must be an integer from 1 to 600000 (ms), got "${delayText}"`);

  return {
    tracesUrl,
    protocol: protocol as TracingConfig['protocol'],
    serviceName: read(env, 'OTEL_SERVICE_NAME') ?? 'workflow-executor',
    sampler: sampler as TracesSampler,
    samplerRatio,
    exportDelayMs,
  };
}
