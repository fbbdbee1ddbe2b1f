/**
 * `npm run test:image` — builds the repository's Dockerfile and runs the image (docs/observability.md):
 * on the embedded database with a volume (ready, Swagger, HEALTHCHECK, non-root, read-only outside
 * DATA_DIR, restart keeps generated keys and data), and in queue mode as api + worker containers on
 * the host's PostgreSQL and Redis (a webhook through the api completes in a worker; `docker stop` of
 * a busy worker exits 0 and loses nothing). Prints its figures (build time, sizes, time to ready, stop
 * times) and removes every container, volume and image it made, also when it fails.
 *
 * Docker: the running daemon, or Debian's docker.io started by test/image/docker-local.sh (as root),
 * which also imports a stand-in for node:22-bookworm-slim when no such image is present (no registry
 * of images is reachable here). Where no daemon can be had the run is skipped with the reason.
 * Containers use the host's network (`--network host`: the local daemon has no bridge).
 *
 *   npm run test:image
 *   IMAGE_TEST_KEEP_BASE=1 npm run test:image   # keep an imported stand-in base for the next run
 *   IMAGE_TEST_IMAGE=tag npm run test:image     # test an image already built (kept), no build
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { docker, DockerLedger, dockerStreaming } from './lib/docker.mjs';
import { ImageTest, megabytes, seconds } from './lib/harness.mjs';
import { embeddedDatabase } from './scenarios/embedded.mjs';
import { queueMode } from './scenarios/queue.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD_TIMEOUT_MS = 20 * 60_000;
/** The whole run, cleanup excluded: a hung container must not hold CI until its own limit. */
const RUN_TIMEOUT_MS = 25 * 60_000;
const BASE = 'node:22-bookworm-slim';

function localDocker(step) {
  return new Promise((done) => {
    execFile('bash', [join(root, 'test/image/docker-local.sh'), step], { timeout: 15 * 60_000 }, (error, stdout, stderr) => {
      done({ ok: !error, code: error?.code, out: stdout.trim(), err: String(stderr).trim() });
    });
  });
}

async function largestModules(image, ledger, prefix) {
  const name = `${prefix}-du`;
  await ledger.run(name, ['--network', 'none', '--entrypoint', 'sh'], image, ['-c', 'sleep 600']);
  // One du per argument list would count a folder once only: the totals first, then each package.
  const script = 'cd /app && du -sk --apparent-size dist && du -sk --apparent-size node_modules && ls -d node_modules/[!@]*/ node_modules/@*/*/ | xargs du -sk --apparent-size';
  const out = await docker(['exec', name, 'sh', '-c', script]);
  await docker(['rm', '--force', name]);
  const sizes = out.split('\n').map((line) => {
    const [kb, path] = line.split(/\s+/);
    return { bytes: Number(kb) * 1024, path: path.replace(/\/$/, '') };
  });
  const packages = sizes.filter((entry) => /^node_modules\/(@[^/]+\/)?[^@/][^/]*$/.test(entry.path)).sort((a, b) => b.bytes - a.bytes);
  return { dist: sizes.find((entry) => entry.path === 'dist')?.bytes, nodeModules: sizes.find((entry) => entry.path === 'node_modules')?.bytes, packages };
}

async function main() {
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const prefix = `wfe-img-${runId}`;
  // IMAGE_TEST_IMAGE: test an image built beforehand instead of building one (while working on the tests).
  const prebuilt = process.env.IMAGE_TEST_IMAGE;
  const image = prebuilt || `wfe-image-test:${runId}`;
  const logDir = mkdtempSync(join(tmpdir(), 'wfe-image-'));
  const ledger = new DockerLedger();
  const figures = [];
  const cleanups = [];
  const results = [];
  let startedDaemon;

  const finish = async () => {
    const left = await ledger.removeAll();
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => left.push(error.message));
    if (startedDaemon) {
      // Our own daemon, stopped by its pid once it holds nothing of ours.
      try {
        process.kill(startedDaemon, 'SIGTERM');
        for (let i = 0; i < 60 && isAlive(startedDaemon); i++) await new Promise((done) => setTimeout(done, 250));
      } catch {}
    }
    if (left.length) console.log(`\ncleanup left behind:\n  ${left.join('\n  ')}`);
    else console.log(`\ncleanup: removed ${ledger.containers.size} container(s), ${ledger.volumes.size} volume(s), ${ledger.images.size} image(s)${startedDaemon ? ', stopped the Docker daemon it started' : ''}`);
    return left.length === 0;
  };

  console.log(`image test: logs in ${logDir}`);
  const daemon = await localDocker('daemon');
  if (!daemon.ok) {
    console.log(`\n– skipped: Docker cannot start here: ${daemon.err || daemon.out || `exit ${daemon.code}`}`);
    console.log('\nimage: 0 passed, 0 failed, 3 skipped');
    return 0;
  }
  if (daemon.out.startsWith('started ')) startedDaemon = Number(daemon.out.split(' ')[1]);
  const driver = await docker(['info', '--format', '{{.Driver}}']);
  console.log(`Docker: ${startedDaemon ? `started dockerd (pid ${startedDaemon}, host network only)` : 'the running daemon'}, ${driver} storage`);

  const timer = setTimeout(() => {
    console.log(`\n✗ the image test ran past ${RUN_TIMEOUT_MS / 60_000} min: cleaning up and failing`);
    finish().finally(() => process.exit(1));
  }, RUN_TIMEOUT_MS);
  timer.unref();
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => finish().finally(() => process.exit(130)));

  let ok = true;
  try {
    // Build.
    const build = new ImageTest({ figures }, 'build');
    console.log('\n▶ docker build');
    const buildStarted = Date.now();
    const baseStep = await localDocker('base');
    if (!baseStep.ok) throw new Error(`no ${BASE} base image: ${baseStep.err || baseStep.out}`);
    if (baseStep.out.startsWith('created ') && process.env.IMAGE_TEST_KEEP_BASE !== '1') ledger.images.add(BASE);
    const baseMs = Date.now() - buildStarted;
    build.print(baseStep.out.startsWith('created ') ? `imported a stand-in ${BASE} in ${seconds(baseMs)} (Debian packages + Node 22 from npm)` : `base ${BASE} already present`);
    // What the build adds: the tagged image and the build stage's intermediate images.
    const before = await ledger.imageIds();
    let buildMs = null;
    if (prebuilt) {
      build.print(`testing the image ${image} given by IMAGE_TEST_IMAGE: no build (and it is kept)`);
    } else {
      const buildLog = join(logDir, 'build.log');
      const sink = createWriteStream(buildLog);
      const dockerBuildStarted = Date.now();
      const code = await dockerStreaming(['build', '--network', 'host', '--force-rm', '--tag', image, root], sink, { timeoutMs: BUILD_TIMEOUT_MS });
      await new Promise((done) => sink.end(done));
      buildMs = Date.now() - dockerBuildStarted;
      for (const id of await ledger.imageIds()) if (!before.has(id)) ledger.images.add(id);
      ledger.images.add(image);
      if (code !== 0) {
        const tail = readFileSync(buildLog, 'utf8').trim().split('\n').slice(-30).join('\n    ');
        throw new Error(`docker build failed (${code}); the end of ${buildLog}:\n    ${tail}`);
      }
    }
    const imageBytes = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', image]));
    const baseBytes = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', BASE]));
    build.figure('docker build', seconds(buildMs));
    build.figure('image size', `${megabytes(imageBytes)} (base ${BASE} ${megabytes(baseBytes)}, added by the Dockerfile ${megabytes(imageBytes - baseBytes)})`);
    build.print(`built ${image} in ${seconds(buildMs)}: ${megabytes(imageBytes)}, of which the base ${megabytes(baseBytes)}`);
    const parts = await largestModules(image, ledger, prefix);
    build.print(`added: node_modules ${megabytes(parts.nodeModules)}, dist ${megabytes(parts.dist)}; largest packages: ${parts.packages.slice(0, 8).map((entry) => `${entry.path.replace('node_modules/', '')} ${megabytes(entry.bytes)}`).join(', ')}`);
    build.figure('largest in node_modules', parts.packages.slice(0, 5).map((entry) => `${entry.path.replace('node_modules/', '')} ${megabytes(entry.bytes)}`).join(', '));
    // Packages only the build needs, which the runtime stage must leave out (some arrive as
    // optional peers of production dependencies: typeorm → ts-node → typescript, @swc/core).
    const buildOnly = ['typescript', '@swc/core', 'ts-node', '@types/node', 'vitest', '@nestjs/cli'].filter((name) => parts.packages.some((entry) => entry.path === `node_modules/${name}`));
    build.check(buildOnly.length === 0, `the runtime image carries build-only packages: ${buildOnly.join(', ')}`);
    build.status = build.problems.length ? 'failed' : 'passed';
    console.log(build.status === 'passed' ? '  ✓ passed' : '  ✗ FAILED');
    results.push(build);

    const suite = {
      figures,
      image,
      ledger,
      runId,
      prefix,
      cleanups,
      postgresUrl: process.env.IMAGE_TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      redisAvailable: () => withRedis(suite.redisUrl, (redis) => redis.ping()).then(() => true, () => false),
      dropRedisPrefix: (keyPrefix) => withRedis(suite.redisUrl, async (redis) => {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      }),
    };
    for (const [title, run] of [
      ['embedded database on a volume, then a read-only restart on it', embeddedDatabase],
      ['queue mode: api + worker containers on the host PostgreSQL and Redis, docker stop in flight', queueMode],
    ]) {
      const test = new ImageTest(suite, title);
      console.log(`\n▶ ${title}`);
      const started = Date.now();
      const containersBefore = new Set(ledger.containers);
      try {
        await run(test);
      } catch (error) {
        test.check(false, `crashed: ${error.stack ?? error.message}`);
      }
      if (test.problems.length) test.status = 'failed';
      console.log(`  ${{ passed: '✓ passed', failed: '✗ FAILED', skipped: '– skipped' }[test.status]} in ${seconds(Date.now() - started)}`);
      if (test.status === 'failed') await dumpLogs(test, [...ledger.containers].filter((name) => !containersBefore.has(name)), logDir);
      results.push(test);
    }
  } catch (error) {
    console.log(`  ✗ ${error.message}`);
    results.push({ status: 'failed' });
    ok = false;
  } finally {
    clearTimeout(timer);
    if (!(await finish())) ok = false;
  }

  console.log('\nfigures:');
  for (const [name, value] of figures) console.log(`  ${name}: ${value}`);
  const count = (status) => results.filter((result) => result.status === status).length;
  console.log(`\nimage: ${count('passed')} passed, ${count('failed')} failed${count('skipped') ? `, ${count('skipped')} skipped` : ''}`);
  return ok && count('failed') === 0 ? 0 : 1;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withRedis(url, work) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** A failed test's container logs: their ends printed (CI keeps no files), all of them in files. */
async function dumpLogs(test, containers, logDir) {
  for (const name of containers) {
    const out = await docker(['logs', name], { withStderr: true }).catch(() => null);
    if (out === null) continue;
    const file = join(logDir, `${name}.log`);
    writeFileSync(file, out);
    test.print(`logs of ${name} (${file}), last lines:`);
    for (const line of out.split('\n').slice(-12)) test.print(`  | ${line.slice(0, 400)}`);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
