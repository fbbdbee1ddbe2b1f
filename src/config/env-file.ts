import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads `<dir>/.env` into process.env when there is one, with Node's own parser
 * (process.loadEnvFile, no dependency). A variable already set in the environment wins over the
 * file. Called by main.ts before the configuration is read; never by the tests, whose
 * configuration must not depend on a developer's .env. Returns the file read, if any.
 */
export function loadDotEnv(dir: string = process.cwd()): string | undefined {
  const path = join(dir, '.env');
  if (!existsSync(path)) return undefined;
  process.loadEnvFile(path);
  return path;
}
