import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux x86_64). */
const TICKS_PER_SECOND = 100;

/** User and system CPU seconds of one process so far, or zeros once it is gone. */
function cpuTimes(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ": utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** CPU seconds used so far by these processes together (those gone count zero). */
export function cpuSecondsOf(pids) {
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

function cpuSeconds(pid) {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/**
 * Every PostgreSQL server process on this machine (the backends serving the load among them), or
 * with `database` only the backends connected to it (their title names it: `postgres: [cluster:] <user> <database> …`), leaving out
 * other work on the same server and its shared processes (WAL writer, checkpointer).
 */
function postgresPids(database) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (database && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+$/, '').split(' ').includes(database)) continue;
      pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU time spent by the process under test, PostgreSQL and the load generator (this process)
 * between `start()` and `stop()`: where each request's CPU goes, which a profile of one process
 * cannot tell. A PostgreSQL backend that exits during the window loses its share, so pooled
 * connections (which stay) are what this measures well; one that was there before it counts from the start only.
 */
export class CpuUsage {
  /** `options.database`: count that database's backends only (postgresPids); `options.others`: more processes by name, e.g. `{ 'json server': pid }`. */
  constructor(targetPid, options = {}) {
    this.targetPid = targetPid;
    this.database = options.database;
    this.others = options.others ?? {};
  }

  start() {
    this.startedAt = performance.now();
    this.before = this.read();
  }

  /** Seconds of CPU per party over the window, and the window's wall-clock seconds. */
  stop() {
    const after = this.read();
    const wall = (performance.now() - this.startedAt) / 1000;
    const used = {};
    for (const key of Object.keys(after)) if (key !== 'postgresByPid') used[key] = after[key] - (this.before[key] ?? 0);
    // Per backend: one that exited during the window (another pool's, idle too long) would otherwise
    // take its whole CPU time out of the sum, even below zero; a new one counts from its start.
    used.postgres = 0;
    for (const [pid, seconds] of after.postgresByPid) used.postgres += seconds - (this.before.postgresByPid.get(pid) ?? 0);
    return { wall, ...used };
  }

  read() {
    // One pid, or several (an api and a worker) counted together.
    const target = [this.targetPid].flat().map(cpuTimes).reduce((sum, times) => ({ user: sum.user + times.user, system: sum.system + times.system }), { user: 0, system: 0 });
    return {
      target: target.user + target.system,
      targetSystem: target.system,
      postgresByPid: new Map(postgresPids(this.database).map((pid) => [pid, cpuSeconds(pid)])),
      load: cpuSeconds(process.pid),
      ...Object.fromEntries(Object.entries(this.others).map(([name, pid]) => [name, cpuSeconds(pid)])),
    };
  }
}

/** "service 86 µs (30 µs of it in the kernel), postgres 48 µs, load generator 20 µs; 1.51 cores busy" */
export function describeCpu(usage, requests, targetName) {
  const per = (seconds) => `${((seconds * 1e6) / requests).toFixed(0)} µs`;
  const others = Object.keys(usage).filter((key) => !['wall', 'target', 'targetSystem', 'postgres', 'load'].includes(key));
  const cores = (usage.target + usage.postgres + usage.load + others.reduce((sum, key) => sum + usage[key], 0)) / usage.wall;
  const more = others.map((key) => `, ${key} ${per(usage[key])}`).join('');
  return `CPU per request: ${targetName} ${per(usage.target)} (${per(usage.targetSystem)} of it in the kernel), postgres ${per(usage.postgres)}, load generator ${per(usage.load)}${more}; ${cores.toFixed(2)} cores busy`;
}
