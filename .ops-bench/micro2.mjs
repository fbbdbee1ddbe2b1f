import { EventEmitter } from 'node:events';
import { pinoHttp } from 'pino-http';
import { loggerParams } from './A/src/logging/logger-options.js';
import { loadConfig } from './A/src/config/app-config.js';
const config = loadConfig({ LOG_LEVEL: 'info' });
const base = loggerParams(config, { write() {} }).pinoHttp[0];
function fake() {
  const req = new EventEmitter();
  Object.assign(req, { method: 'POST', url: '/webhook/handler/0193aaaa-0000-7000-8000-000000000000', headers: { 'content-type': 'application/json', 'user-agent': 'x', authorization: 'Bearer s' }, socket: { remoteAddress: '127.0.0.1' } });
  const res = new EventEmitter();
  Object.assign(res, { statusCode: 202, setHeader() {}, getHeaders() { return {}; } });
  return [req, res];
}
function bench(name, opts) {
  const mw = pinoHttp(opts, { write() {} });
  const n = 50000;
  for (let i = 0; i < 5000; i++) { const [req, res] = fake(); mw(req, res, () => {}); res.emit('finish'); }
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { const [req, res] = fake(); mw(req, res, () => {}); res.emit('finish'); }
  console.log(name.padEnd(20), (Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2), 'µs/req');
}
bench('full', base);
bench('no redact', { ...base, redact: undefined });
bench('no serializers', { ...base, serializers: undefined });
bench('no redact/ser', { ...base, redact: undefined, serializers: undefined });
bench('no quiet', { ...base, quietReqLogger: false });
bench('plain default', { level: 'info' });
bench('full again', base);
bench('noquiet noredact', { ...base, redact: undefined, quietReqLogger: false });
bench('quiet noredact', { ...base, redact: undefined });
bench('quiet noredact noid', { ...base, redact: undefined, genReqId: () => 'x' });
bench('noquiet noredact ser', { ...base, redact: undefined, quietReqLogger: false, serializers: undefined });
