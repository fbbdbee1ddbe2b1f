import { EventEmitter } from 'node:events';
import { pinoHttp } from 'pino-http';
import { loggerParams } from './A/src/logging/logger-options.js';
import { loadConfig } from './A/src/config/app-config.js';
const config = loadConfig({ LOG_LEVEL: 'info' });
const params = loggerParams(config, { write() {} });
const mw = pinoHttp(...params.pinoHttp);
function fake() {
  const req = new EventEmitter();
  Object.assign(req, { method: 'POST', url: '/webhook/handler/0193aaaa-0000-7000-8000-000000000000', headers: { 'content-type': 'application/json', 'user-agent': 'x', authorization: 'Bearer s' }, socket: { remoteAddress: '127.0.0.1' } });
  const res = new EventEmitter();
  Object.assign(res, { statusCode: 202, setHeader() {}, getHeaders() { return {}; } });
  return [req, res];
}
for (const n of [20000, 100000]) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { const [req, res] = fake(); mw(req, res, () => {}); res.emit('finish'); }
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { const [req, res] = fake(); res.emit('finish'); }
  const t2 = process.hrtime.bigint();
  console.log(n, 'with pino-http µs/req', Number(t1 - t0) / n / 1000, 'baseline', Number(t2 - t1) / n / 1000);
}
