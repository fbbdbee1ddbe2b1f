/**
 * `node bench/lifecycle-cost.mjs [direct|bus] [executions]`: what telling the rest of the process
 * about one execution costs the engine, alone, without a database or HTTP in the way. `bus` emits
 * what the engine emits for a three-node webhook execution (started, three nodeSettled, finished) to
 * the listeners the application subscribes (metrics, waiters, the Redis relay's check, the
 * error-workflow relay, sub-workflow resumes, the queue's wake timers); `direct` makes the calls the
 * engine made before the bus (metrics, waiters, the failure wake, the parent check).
 *
 * Timings on a loaded machine say little: count instructions instead, the difference between two
 * runs cancelling start-up, e.g.
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node bench/lifecycle-cost.mjs bus 0
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null node bench/lifecycle-cost.mjs bus 100000
 * ((I refs of the second − the first) / 100000 = instructions per execution; start-up varies by
 * about 10^8 instructions between runs, so take many executions). `--stub-metrics` leaves out the
 * metrics' own work, the same in both modes, to count the dispatch alone. Without valgrind it
 * prints nanoseconds per execution, and the bytes the heap grew by per execution before any GC.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildIfStale } from './lib/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] ?? 'bus';
const count = Number(process.argv[3] ?? 200_000);
/** Metrics that only count: what is left is the dispatch alone (the metrics' own work is the same either way). */
const stubMetrics = process.argv.includes('--stub-metrics');
if (!['direct', 'bus'].includes(mode) || !Number.isInteger(count) || count < 0) {
  console.error('usage: node bench/lifecycle-cost.mjs [direct|bus] [executions] [--stub-metrics]');
  process.exit(2);
}
if (!process.env.SKIP_BUILD) buildIfStale(root);
const load = (path) => import(pathToFileURL(join(root, 'dist/src', path)).href);
const { ExecutionLifecycle } = await load('executions/execution-lifecycle.js');
const { MetricsService } = await load('metrics/metrics.service.js');

let counted = 0;
const metrics = stubMetrics
  ? { executionStarted: () => counted++, nodeFinished: () => counted++, executionFinished: () => counted++, onApplicationShutdown: () => undefined }
  : new MetricsService();
/** CompletionWaiters' listeners by execution id: none wait for a webhook execution that answers onReceived. */
const waiting = new Map();
let relayed = 0;
let woken = 0;
const notify = (id) => {
  const set = waiting.get(id);
  if (set) for (const listener of set) listener();
  relayed++;
};

const NODES = [
  { name: 'Trigger', type: 'trigger' },
  { name: 'Condition', type: 'condition' },
  { name: 'Set', type: 'set' },
];

let run;
if (mode === 'direct') {
  run = (execution) => {
    metrics.executionStarted(execution.mode);
    for (const node of NODES) metrics.nodeFinished(node.type, 'SUCCESS', 0.0001);
    metrics.executionFinished('COMPLETED', 0.002);
    notify(execution.id);
    if ('COMPLETED' === 'FAILED') woken++;
    if (execution.parentWaits && execution.parentExecutionId) woken++;
  };
} else {
  const lifecycle = new ExecutionLifecycle();
  // As MetricsBindings, CompletionWaiters, ErrorWorkflowRelay, Subworkflows and LocalDispatcher subscribe.
  lifecycle.on('started', ({ mode: executionMode }) => metrics.executionStarted(executionMode));
  lifecycle.on('nodeSettled', ({ nodeType, status, durationMs }) => metrics.nodeFinished(nodeType, status, durationMs / 1000));
  lifecycle.on('finished', ({ status, durationMs }) => metrics.executionFinished(status, durationMs / 1000));
  lifecycle.on('canceled', () => metrics.executionFinished('CANCELED'));
  lifecycle.on('finished', ({ execution, insertedFinished }) => {
    if (!insertedFinished) notify(execution.id);
  });
  lifecycle.on('responded', ({ id }) => notify(id));
  lifecycle.on('superseded', ({ id }) => notify(id));
  lifecycle.on('finished', ({ status }) => {
    if (status === 'FAILED') woken++;
  });
  lifecycle.on('finished', ({ execution }) => {
    if (execution.parentWaits && execution.parentExecutionId) woken++;
  });
  lifecycle.on('suspended', ({ until }) => {
    if (until) woken++;
  });
  run = (execution) => {
    lifecycle.emit('started', execution);
    for (const node of NODES) lifecycle.emit('nodeSettled', { executionId: execution.id, nodeName: node.name, nodeType: node.type, status: 'SUCCESS', durationMs: 0.1 });
    lifecycle.emit('finished', { execution, status: 'COMPLETED', output: null, error: null, durationMs: 2, insertedFinished: false });
  };
}

const ids = Array.from({ length: 1024 }, (_, index) => `0190e0a0-0000-7000-8000-${String(index).padStart(12, '0')}`);
const heapBefore = process.memoryUsage().heapUsed;
const started = process.hrtime.bigint();
for (let index = 0; index < count; index++) {
  // The claimed execution the engine holds anyway (both modes make it).
  run({ id: ids[index & 1023], workflowId: 'w', mode: 'webhook', parentExecutionId: null, parentWaits: false });
}
const ns = Number(process.hrtime.bigint() - started);
const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
if (count > 0) {
  console.log(
    `${mode}: ${count} executions, ${(ns / count).toFixed(0)} ns each (timing: meaningless on a loaded machine), heap +${(heapGrowth / count).toFixed(0)} B each before GC (${relayed} notified, ${woken} woken, ${counted} stub metric calls)`,
  );
}
metrics.onApplicationShutdown();
