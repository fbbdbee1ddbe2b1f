import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDotEnv } from './env-file.js';

describe('loadDotEnv', () => {
  const dirs: string[] = [];
  const names = ['WFE_DOTENV_TEST_FROM_FILE', 'WFE_DOTENV_TEST_SET_BEFORE', 'WFE_DOTENV_TEST_QUOTED'];
  afterEach(() => {
    for (const name of names) delete process.env[name];
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const dirWith = (text?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'wfe-dotenv-'));
    dirs.push(dir);
    if (text !== undefined) writeFileSync(join(dir, '.env'), text);
    return dir;
  };

  it('reads .env into the environment, the environment winning over the file', () => {
    process.env.WFE_DOTENV_TEST_SET_BEFORE = 'from the environment';
    const dir = dirWith('# a comment\nWFE_DOTENV_TEST_FROM_FILE=3123\nWFE_DOTENV_TEST_SET_BEFORE=from the file\nWFE_DOTENV_TEST_QUOTED="a b # c"\n');
    expect(loadDotEnv(dir)).toBe(join(dir, '.env'));
    expect(process.env.WFE_DOTENV_TEST_FROM_FILE).toBe('3123');
    expect(process.env.WFE_DOTENV_TEST_SET_BEFORE).toBe('from the environment');
    expect(process.env.WFE_DOTENV_TEST_QUOTED).toBe('a b # c');
  });

  it('does nothing without a .env', () => {
    expect(loadDotEnv(dirWith())).toBeUndefined();
    expect(process.env.WFE_DOTENV_TEST_FROM_FILE).toBeUndefined();
  });
});
