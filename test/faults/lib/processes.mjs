import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every child started, so that none outlives the suite, however it ends. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export const ADMIN_KEY = 'wfe_faults_admin_key_0123456789abcdefghijkl';
const ENCRYPTION_KEY = '5a'.repeat(32);

/** A port nobody listens on right now. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * One `node dist/src/main.js` child. It can be SIGKILLed and started again on the same port (a new
 * pid, as after a crash and a restart); every start appends to the same log file.
 */
export class ServiceProcess {
  constructor({ root, logDir, name, env }) {
    this.root = root;
    this.name = name;
    this.env = env;
    this.logPath = join(logDir, `${name}.log`);
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    this.child = undefined;
    /** Exits nobody asked for (a crash): the scenarios require none. */
    this.unexpectedExits = [];
    this.expectingExit = false;
    /** Started and answering /health/ready, not killed since. */
    this.ready = false;
  }

  get port() {
    return Number(this.env.PORT);
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child?.pid;
  }

  get alive() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start() {
    this.expectingExit = false;
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: this.root,
      env: { ...process.env, ADMIN_API_KEY: ADMIN_KEY, ENCRYPTION_KEY, LOG_LEVEL: 'warn', SWAGGER_ENABLED: 'false', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    children.add(child);
    child.on('exit', () => children.delete(child));
    child.stdout.pipe(this.log, { end: false });
    child.stderr.pipe(this.log, { end: false });
    child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    void child.exited.then((exit) => {
      this.log.write(`\n--- ${this.name} (pid ${child.pid}) exited: code ${exit.code}, signal ${exit.signal}\n`);
      if (!this.expectingExit) this.unexpectedExits.push({ pid: child.pid, ...exit });
    });
    await this.waitReady(child);
    this.ready = true;
    return this;
  }

  async waitReady(child, timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with code ${child.exitCode} while starting; see ${this.logPath}`);
      try {
        const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms; see ${this.logPath}`);
  }

  /** SIGKILL, as a crash or an OOM kill would; resolves once the process is gone. */
  async kill() {
    const child = this.child;
    if (!child || !this.alive) return;
    this.expectingExit = true;
    this.ready = false;
    child.kill('SIGKILL');
    await child.exited;
  }

  /** SIGTERM, as on a rollout; resolves with the exit and how long it took. */
  async terminate() {
    const child = this.child;
    this.expectingExit = true;
    this.ready = false;
    const sent = Date.now();
    child.kill('SIGTERM');
    const exit = await child.exited;
    return { ...exit, ms: exit.at - sent };
  }

  async stop() {
    if (this.alive) {
      this.expectingExit = true;
      this.child.kill('SIGKILL');
      await this.child.exited;
    }
    this.log.end();
  }
}
