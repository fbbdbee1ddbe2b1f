import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase } from './database.mjs';
import { deleteRedisKeys } from './local-servers.mjs';
import { freePort, ServiceProcess } from './processes.mjs';

/**
 * A private copy of the build for the children: `dist` is shared with whoever else builds in this
 * tree, and `nest build` empties it first, which would break a restart in the middle of a run.
 */
export function privateBuild(root, into) {
  cpSync(join(root, 'dist'), join(into, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(into, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(into, 'node_modules'), 'dir');
  return into;
}

/** Settings that make recovery fast enough to watch: lease 3 s, sweep every second. */
export const FAST_RECOVERY = {
  EXECUTION_LEASE_MS: '3000',
  EXECUTION_SWEEP_INTERVAL_MS: '1000',
  SHUTDOWN_GRACE_MS: '5000',
  EXECUTION_CONCURRENCY: '20',
  DB_POOL_SIZE: '10',
};

/**
 * What one scenario owns: its databases, processes and Redis prefix, all removed by `cleanUp()`
 * whatever happened. Every figure and problem goes into `result`.
 */
export class Scenario {
  constructor(suite, name) {
    this.suite = suite;
    this.name = name;
    this.databases = [];
    this.processes = [];
    this.result = { name, status: 'passed', lines: [], problems: [] };
  }

  async database(label) {
    const db = await createDatabase(this.suite.serverUrl, `wfe_faults_${process.pid}_${label}`);
    this.databases.push(db);
    return db;
  }

  /** A child process; `queue` gives it Redis and a prefix of its own, else it runs single-server. */
  async service(name, env, { queue = false } = {}) {
    if (queue) this.redisPrefix = `wfe_faults_${process.pid}_${this.name.replace(/\W+/g, '_')}`;
    const base = {
      ...FAST_RECOVERY,
      PORT: String(await freePort()),
      DATA_DIR: join(this.suite.logDir, 'data'),
      REDIS_URL: queue ? this.suite.redisUrl : '',
      REDIS_PREFIX: queue ? this.redisPrefix : 'wfe',
      APP_ROLE: '',
    };
    const service = new ServiceProcess({ root: this.suite.appDir, logDir: this.suite.logDir, name: `${this.name}-${name}`.replace(/\W+/g, '-'), env: { ...base, ...env } });
    this.processes.push(service);
    return service;
  }

  print(line) {
    this.result.lines.push(line);
    console.log(`  ${line}`);
  }

  check(ok, problem) {
    if (!ok) this.result.problems.push(problem);
  }

  skip(reason) {
    this.result.status = 'skipped';
    this.print(`skipped: ${reason}`);
  }

  noUnexpectedExits() {
    for (const service of this.processes) {
      for (const exit of service.unexpectedExits) this.result.problems.push(`${service.name} (pid ${exit.pid}) exited by itself: code ${exit.code}, signal ${exit.signal}; see ${service.logPath}`);
    }
  }

  async cleanUp() {
    await Promise.all(this.processes.map((service) => service.stop().catch(() => undefined)));
    if (this.redisPrefix) await deleteRedisKeys(this.suite.redisUrl, this.redisPrefix).catch((error) => console.warn(`  could not delete the run's Redis keys: ${error.message}`));
    // FAULTS_KEEP_DATABASES=1 keeps them for a look after a failure.
    if (process.env.FAULTS_KEEP_DATABASES === '1') return console.log(`  kept databases: ${this.databases.map((db) => db.url).join(', ')}`);
    for (const db of this.databases) await db.drop().catch((error) => console.warn(`  could not drop a test database: ${error.message}`));
  }
}

/** The usual verdicts on a run's figures. */
export function judge(scenario, figures, load, total, reRunBound) {
  scenario.check(load.stats.gaveUp === 0, `${load.stats.gaveUp} webhooks were never answered 2xx before the deadline`);
  scenario.check(Object.keys(load.stats.otherStatuses).length === 0, `answers other than 2xx/503: ${JSON.stringify(load.stats.otherStatuses)}`);
  scenario.check(load.stats.conflictingIds === 0, `${load.stats.conflictingIds} retried webhooks were answered with another execution id`);
  scenario.check(figures.accepted === total, `only ${figures.accepted} of ${total} webhooks were accepted`);
  scenario.check(figures.uncommitted === 0, `${figures.uncommitted} webhooks were answered 2xx without a committed execution`);
  scenario.check(figures.lost === 0, `${figures.lost} accepted webhooks did not end COMPLETED${figures.errors.length ? `; errors: ${figures.errors.join(' | ')}` : ''}`);
  scenario.check(figures.duplicated === 0, `${figures.duplicated} webhooks have more than one execution`);
  scenario.check(figures.wrongId === 0, `${figures.wrongId} webhooks were answered with an execution id that is not theirs`);
  scenario.check(figures.reRun <= reRunBound, `${figures.reRun} executions re-ran, more than the ${reRunBound} that can have been in flight`);
}

export function describeFigures(figures, load, reRunBound) {
  const s = load.stats;
  return [
    `accepted ${figures.accepted}, completed ${figures.completed}, lost ${figures.lost}, duplicated ${figures.duplicated}, re-run ${figures.reRun} (bound ${reRunBound}); rows by status ${JSON.stringify(figures.statuses)}`,
    `senders: ${s.connectionErrors} connection errors and ${s.status503} answers 503 retried, ${s.duplicateAnswers} retries answered as duplicates; load took ${(load.ms / 1000).toFixed(1)} s`,
  ];
}

export const seconds = (ms) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
