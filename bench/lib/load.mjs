import autocannon from 'autocannon';
import { PAYLOAD } from './service-api.mjs';

/**
 * One autocannon run of JSON POSTs, in this process (the same for the service and the baseline).
 * `duration` in seconds, or `amount` requests; `rate` caps requests per second over all connections.
 */
export async function post(url, { connections, duration, amount, rate, timeoutSeconds = 10 }) {
  const settings = { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: PAYLOAD, connections, timeout: timeoutSeconds };
  // autocannon rejects keys that are present but undefined.
  if (amount !== undefined) settings.amount = amount;
  else settings.duration = duration;
  if (rate !== undefined) settings.overallRate = rate;
  const result = await autocannon(settings);
  return summarise(result);
}

function summarise(result) {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
  const ok = result['2xx'];
  return {
    seconds: result.duration,
    requests: ok + result.non2xx,
    ok,
    okPerSecond: ok / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
  };
}
