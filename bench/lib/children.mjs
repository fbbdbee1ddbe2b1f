import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every child the bench started, so that a failure or Ctrl-C still stops all of them. */
const running = new Set();

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `node <args>` with the given environment. Output is kept (last lines) for the error report
 * and counted, so that warnings logged under load show up in the results.
 */
export function startChild(name, args, env) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const handle = { name, child, pid: child.pid, lines: [], warningLines: [], warnings: 0, exited: false, exitCode: null };
  const keep = (list, line) => {
    list.push(line.length > 400 ? `${line.slice(0, 397)}...` : line);
    if (list.length > 30) list.shift();
  };
  const collect = (chunk) => {
    for (const line of chunk.toString().replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
      if (!line.trim()) continue;
      keep(handle.lines, line);
      if (/\b(WARN|ERROR|FATAL)\b|"level":\s*(40|50|60)|\w*Error:/.test(line)) {
        handle.warnings++;
        keep(handle.warningLines, line);
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  handle.done = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      handle.exited = true;
      handle.exitCode = code ?? signal;
      running.delete(handle);
      resolve();
    });
  });
  running.add(handle);
  return handle;
}

/** Polls `url` until it answers 200; fails early if the child exits. */
export async function waitForHttp(handle, url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) throw new Error(`${handle.name} exited (${handle.exitCode}) before it was ready:\n${handle.lines.join('\n')}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${handle.name} not ready at ${url} after ${timeoutMs} ms:\n${handle.lines.join('\n')}`);
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(handle, graceMs = 10_000) {
  if (!handle || handle.exited) return;
  handle.child.kill('SIGTERM');
  const killed = await Promise.race([handle.done.then(() => false), sleep(graceMs).then(() => true)]);
  if (killed && !handle.exited) {
    handle.child.kill('SIGKILL');
    await handle.done;
  }
}

export async function stopAllChildren() {
  await Promise.all([...running].map((handle) => stopChild(handle)));
}

/** Last resort when the bench process itself is going away: no child outlives it. */
export function killAllChildrenNow() {
  for (const handle of running) handle.child.kill('SIGKILL');
}

/** Resident set size in bytes, from /proc (Linux); undefined once the process is gone. */
export function readRss(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's RSS every 200 ms. `mark(label)` opens a window; `peak(label)` and
 * `median(label)` summarise the samples taken while that window was open.
 */
export class RssSampler {
  constructor(pid, intervalMs = 200) {
    this.pid = pid;
    this.samples = [];
    this.windows = new Map();
    this.open = new Set();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample() {
    const rss = readRss(this.pid);
    if (rss === undefined) return;
    this.samples.push(rss);
    for (const label of this.open) this.windows.get(label).push(rss);
  }

  mark(label) {
    this.windows.set(label, []);
    this.open.add(label);
    this.sample();
  }

  close(label) {
    this.sample();
    this.open.delete(label);
  }

  peak(label) {
    const values = label ? this.windows.get(label) ?? [] : this.samples;
    return values.length ? Math.max(...values) : undefined;
  }

  median(label) {
    const values = [...(this.windows.get(label) ?? [])].sort((a, b) => a - b);
    return values.length ? values[Math.floor(values.length / 2)] : undefined;
  }

  stop() {
    clearInterval(this.timer);
  }
}
