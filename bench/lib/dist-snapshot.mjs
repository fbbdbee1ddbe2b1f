import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A private copy of dist for the whole run: on a shared tree someone else's `nest build` empties
 * dist (deleteOutDir) and may do so while the bench starts a process. The copy lives inside the
 * repository so that imports still resolve node_modules; bench/.gitignore ignores it.
 */
export async function snapshotDist(root, timeoutMs = 120_000) {
  const target = join(root, 'bench', `.dist-${process.pid}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    rmSync(target, { recursive: true, force: true });
    try {
      cpSync(join(root, 'dist'), target, { recursive: true });
      const missing = missingImports(target);
      if (!missing.length) return target;
      if (Date.now() > deadline) throw new Error(`dist is incomplete (is a build running?): ${missing.slice(0, 3).join(', ')}`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(2000);
  }
}

export function removeSnapshot(path) {
  if (path) rmSync(path, { recursive: true, force: true });
}

/** Relative imports of every emitted file that point at nothing: a half-written build. */
function missingImports(dir) {
  const missing = [];
  for (const file of jsFiles(dir)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const imported = resolve(dirname(file), match[1]);
      if (!existsSync(imported)) missing.push(imported);
    }
  }
  if (!existsSync(join(dir, 'src', 'main.js'))) missing.push(join(dir, 'src', 'main.js'));
  return missing;
}

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}
