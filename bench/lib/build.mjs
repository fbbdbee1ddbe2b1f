import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'migrations', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
const ENTRY = 'dist/src/main.js';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Runs `npm run build` when dist is missing or older than any source file; returns whether it did. */
export function buildIfStale(root) {
  const built = existsSync(join(root, ENTRY)) ? statSync(join(root, ENTRY)).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map((path) => newestMtime(join(root, path))));
  if (built && built >= newest) return false;
  console.log(built ? 'dist is older than the sources: npm run build' : 'dist is missing: npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
  return true;
}
