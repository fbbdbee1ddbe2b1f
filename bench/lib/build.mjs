import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'migrations', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const ENTRY = 'dist/src/main.js';
/**
 * Written after a build of ours succeeded. dist alone cannot tell: a failed `nest build` still
 * emits files, so a fresh dist/src/main.js may come from a tree that does not compile.
 */
const BUILT_OK = 'bench/.build-ok';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Runs `npm run build` unless our last successful build is newer than dist and every source. */
export function buildIfStale(root) {
  const marker = newestMtime(join(root, BUILT_OK));
  const entry = newestMtime(join(root, ENTRY));
  const sources = Math.max(...SOURCES.map((path) => newestMtime(join(root, path))));
  if (entry && marker >= entry && marker >= sources) return false;
  console.log(!entry ? 'dist is missing: npm run build' : 'dist may be older than the sources: npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
  writeFileSync(join(root, BUILT_OK), `${new Date().toISOString()}\n`);
  return true;
}
