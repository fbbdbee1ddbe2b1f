import { execFile, spawn } from 'node:child_process';

/** Runs the docker CLI; resolves with its stdout, rejects with its stderr's last lines. */
export function docker(args, { timeoutMs = 120_000, withStderr = false } = {}) {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) {
        const why = String(stderr || error.message).trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`docker ${args.slice(0, 2).join(' ')}: ${why}`));
      } else resolve((withStderr ? `${stdout}${stderr}` : stdout).trim());
    });
  });
}

/** Like docker(), but streams the output to a file-like sink and resolves with the exit code. */
export function dockerStreaming(args, sink, { timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => sink.write(chunk));
    child.stderr.on('data', (chunk) => sink.write(chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? `killed by ${signal} after ${timeoutMs} ms` : code);
    });
  });
}

/**
 * Everything this run makes in Docker, so that it can all be removed at the end whatever happened:
 * containers, volumes and images (the tested image, the build stage's intermediate images, and the
 * stand-in base image when this run imported it).
 */
export class DockerLedger {
  containers = new Set();
  volumes = new Set();
  images = new Set();

  async volume(name) {
    this.volumes.add(name);
    await docker(['volume', 'create', name]);
    return name;
  }

  /** `docker run -d` with the given options; returns the container's name once it runs. */
  async run(name, options, image, command = []) {
    this.containers.add(name);
    await docker(['run', '-d', '--name', name, ...options, image, ...command], { timeoutMs: 180_000 });
    return name;
  }

  async imageIds() {
    const out = await docker(['images', '--all', '--quiet', '--no-trunc']);
    return new Set(out.split('\n').filter(Boolean));
  }

  /** Removes everything recorded; returns what could not be removed (empty when all went). */
  async removeAll() {
    const left = [];
    for (const name of this.containers) {
      // A removal already under way (a slow vfs delete) is waited for.
      for (let attempt = 0; ; attempt++) {
        const error = await docker(['rm', '--force', '--volumes', name], { timeoutMs: 300_000 }).then(() => null, (failure) => failure);
        if (!error || /No such container/i.test(error.message)) break;
        if (!/already in progress/i.test(error.message) || attempt === 120) {
          left.push(`container ${name}: ${error.message}`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    for (const name of this.volumes) {
      await docker(['volume', 'rm', '--force', name]).catch((error) => left.push(`volume ${name}: ${error.message}`));
    }
    // Children before parents: try repeatedly, since an image cannot go while another builds on it.
    let images = [...this.images];
    for (let round = 0; round < 5 && images.length; round++) {
      const failed = [];
      for (const image of images) {
        await docker(['rmi', '--force', image]).catch((error) => {
          if (!/No such image/i.test(error.message)) failed.push([image, error.message]);
        });
      }
      images = failed.map(([image]) => image);
      if (round === 4) for (const [image, message] of failed) left.push(`image ${image}: ${message}`);
    }
    return left;
  }
}

/** A container's state as Docker sees it. */
export async function inspectState(name) {
  return JSON.parse(await docker(['inspect', '--format', '{{json .State}}', name]));
}

/** `docker stop`, timed; resolves with how long it took and the exit code the container ended with. */
export async function stopTimed(name, graceSeconds = 30) {
  const started = Date.now();
  await docker(['stop', '--time', String(graceSeconds), name], { timeoutMs: (graceSeconds + 30) * 1000 });
  const ms = Date.now() - started;
  const state = await inspectState(name);
  return { ms, exitCode: state.ExitCode, oomKilled: state.OOMKilled, at: Date.now() };
}

/** Runs a shell command inside a running container as its own user; resolves with stdout. */
export function execIn(name, script) {
  return docker(['exec', name, 'sh', '-c', script]);
}
