/**
 * `npm run test:faults` — durability under real faults (docs/executions.md), with real processes:
 * `node dist/src/main.js` children on a fresh database each, SIGKILLed, SIGTERMed, their database
 * and Redis restarted under load. Each scenario prints its figures and fails on any lost or
 * duplicated webhook. Needs PostgreSQL at DATABASE_URL (default the local server) and, for queue
 * mode, Redis at REDIS_URL (default the local one); the restarts of the database and of Redis run
 * only against the local servers and as root (as in CI), and are skipped with a reason otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { buildIfStale } from '../../bench/lib/build.mjs';
import { privateBuild, Scenario } from './lib/harness.mjs';
import { queueModeKills, singleServerKills } from './scenarios/kills.mjs';
import { databaseRestart } from './scenarios/database-restart.mjs';
import { errorWorkflowKills } from './scenarios/error-workflows.mjs';
import { forEachKill } from './scenarios/for-each.mjs';
import { firstCallKill, firstCallKillQueueMode } from './scenarios/first-call.mjs';
import { subworkflowKillsQueueMode, subworkflowKillsSingleServer } from './scenarios/execute-workflow.mjs';
import { redisRestart } from './scenarios/redis-restart.mjs';
import { scheduleKills } from './scenarios/schedules.mjs';
import { sigtermUnderLoad } from './scenarios/sigterm.mjs';

const SCENARIOS = [
  ['SIGKILL a single server three times under load', singleServerKills],
  ['SIGKILL queue-mode workers three times under load', queueModeKills],
  ['restart PostgreSQL under load', databaseRestart],
  ['restart Redis under load (queue mode)', redisRestart],
  ['SIGTERM a worker under load', sigtermUnderLoad],
  ['SIGKILL a server while executions fail and their error workflows start', errorWorkflowKills],
  ['SIGKILL one of three replicas firing a 1-second schedule', scheduleKills],
  ['SIGKILL a server during a 200-element HTTP forEach', forEachKill],
  ['SIGKILL a server while executions make their first outside call', firstCallKill],
  ['SIGKILL a queue-mode worker while executions make their first outside call', firstCallKillQueueMode],
  ['SIGKILL a server while parents wait on executeWorkflow children', subworkflowKillsSingleServer],
  ['SIGKILL queue-mode workers while parents wait on executeWorkflow children', subworkflowKillsQueueMode],
];

async function redisStatus(url) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no Redis answers at ${url} (${error.message})` };
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const only = process.argv.slice(2);
  buildIfStale(root);
  const suite = {
    root,
    serverUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    logDir: mkdtempSync(join(tmpdir(), 'wfe-faults-')),
  };
  suite.appDir = privateBuild(root, join(suite.logDir, 'app'));
  suite.redis = await redisStatus(suite.redisUrl);
  console.log(`fault suite: processes log to ${suite.logDir}`);
  const results = [];
  for (const [title, run] of SCENARIOS) {
    if (only.length && !only.some((word) => run.name.toLowerCase().includes(word.toLowerCase()))) continue;
    const scenario = new Scenario(suite, run.name);
    console.log(`\n▶ ${title}`);
    const started = Date.now();
    try {
      await run(scenario);
    } catch (error) {
      scenario.result.problems.push(`crashed: ${error.stack ?? error.message}`);
    } finally {
      await scenario.cleanUp();
    }
    const { result } = scenario;
    if (result.problems.length) result.status = 'failed';
    for (const problem of result.problems) console.log(`  ✗ ${problem}`);
    console.log(`  ${result.status === 'passed' ? '✓ passed' : result.status === 'skipped' ? '– skipped' : '✗ FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    results.push(result);
  }
  rmSync(suite.appDir, { recursive: true, force: true });
  const count = (status) => results.filter((result) => result.status === status).length;
  console.log(`\nfaults: ${count('passed')} passed, ${count('failed')} failed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
  process.exitCode = count('failed') ? 1 : 0;
}

// A stray rejection must end up in a scenario's problems, not kill the suite with its children up.
process.on('unhandledRejection', (reason) => console.error('unhandled rejection in the fault suite:', reason));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
