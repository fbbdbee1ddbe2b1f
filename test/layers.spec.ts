import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Layers point one way: a folder that most of the code uses must not import one that uses it, or the
 * two can no longer change (or be tested) apart. Each rule names a folder under src/ and the folders
 * it must never import; a violation is reported as "file → imported file".
 */
const RULES: Array<{ folder: string; never: string[] }> = [
  // Infrastructure: used by every domain, so it names none.
  ...['common', 'config', 'database', 'logging', 'redis', 'expressions'].map((folder) => ({
    folder,
    never: ['users', 'credentials', 'workflows', 'webhooks', 'executions', 'settings', 'schedules', 'nodes', 'engine', 'health', 'metrics'],
  })),
  { folder: 'workflows', never: ['users', 'engine', 'webhooks', 'executions', 'health', 'metrics'] },
  { folder: 'nodes', never: ['engine', 'webhooks', 'health', 'metrics'] },
  // Executions (with their lifecycle bus) sit under everything that runs, counts or waits for them.
  { folder: 'executions', never: ['engine', 'webhooks', 'schedules', 'health', 'metrics'] },
  // The engine runs executions; webhook ingestion, a door into it, sits above it. Metrics and health
  // observe the engine (the lifecycle's events, the queue's depth): it calls neither.
  { folder: 'engine', never: ['webhooks/ingest', 'metrics', 'health'] },
];

const SRC = resolve(import.meta.dirname, '../src');
const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((name) => join(SRC, folder, name));
}

/** Every relative import of the folder's files, as paths under src/. */
function importsOf(folder: string): Array<{ file: string; target: string }> {
  return sourceFiles(folder).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => ({ file: relative(SRC, file), target: relative(SRC, resolve(dirname(file), match[1])) })),
  );
}

describe('layers point one way', () => {
  it.each(RULES.map(({ folder, never }) => [folder, never.join('/, '), never] as const))('%s/ imports nothing from %s/', (folder, _, never) => {
    const violations = importsOf(folder)
      .filter(({ target }) => never.some((higher) => target === higher || target.startsWith(`${higher}/`)))
      .map(({ file, target }) => `${file} → ${target}`);
    expect(violations).toEqual([]);
  });

  it('catches an upward import (the check itself works)', () => {
    const found = importsOf('webhooks').some(({ target }) => target.startsWith('engine/'));
    expect(found).toBe(true);
  });
});
