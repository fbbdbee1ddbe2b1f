import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

const root = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(instructions: Instruction[]): Array<{ from: string; name: string | undefined; body: Instruction[] }> {
  const result: Array<{ from: string; name: string | undefined; body: Instruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/);
      result.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, body: [] });
    } else {
      result.at(-1)?.body.push(instruction);
    }
  }
  return result;
}

/** Where `nest build` writes the entry file: nest-cli.json's entryFile compiled with tsconfig.build.json. */
function builtEntryFile(): string {
  const nest = JSON.parse(readFileSync(resolve(root, 'nest-cli.json'), 'utf8'));
  const configPath = resolve(root, nest.compilerOptions?.tsConfigPath ?? 'tsconfig.build.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  const source = resolve(root, `${nest.entryFile}.ts`);
  expect(parsed.fileNames).toContain(source);
  const output = ts.getOutputFileNames(parsed, source, false).find((file) => file.endsWith('.js'))!;
  return output.slice(root.length + 1);
}

function exec(instruction: Instruction): string[] {
  return JSON.parse(instruction.args.replace(/^(--\S+\s+)*CMD\s+/, ''));
}

describe('Dockerfile (docs/observability.md)', () => {
  const instructions = parseDockerfile(readFileSync(resolve(root, 'Dockerfile'), 'utf8'));
  const all = stages(instructions);
  const runtime = all.at(-1)!;
  const build = all[0];
  const find = (keyword: string) => runtime.body.filter((instruction) => instruction.keyword === keyword);

  it('builds in one stage and runs from a slim Node 22 image in another', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) expect(stage.from).toMatch(/^node:22(\.\d+)*-(bookworm-)?slim$/);
    const buildRuns = build.body.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
    expect(buildRuns.some((command) => /\bnpm ci\b/.test(command) && !command.includes('--omit=dev'))).toBe(true);
    expect(buildRuns.some((command) => /npm run build|nest build/.test(command))).toBe(true);
  });

  it('installs no dev dependencies and copies only the compiled output into the runtime stage', () => {
    const installs = find('RUN').filter((instruction) => /\bnpm (ci|install|i)\b/.test(instruction.args));
    expect(installs.length).toBeGreaterThan(0);
    // --omit=optional as well: npm keeps dev dependencies that are optional peers of production ones
    // (typescript, ts-node, @swc/core) under --omit=dev alone. `npm run test:image` checks the result.
    for (const install of installs) expect(install.args).toMatch(/--omit=dev\b.*--omit=optional\b|--omit=optional\b.*--omit=dev\b/);
    const fromBuild = find('COPY').filter((instruction) => instruction.args.includes(`--from=${build.name}`));
    expect(fromBuild.map((instruction) => instruction.args.split(/\s+/).filter((part) => !part.startsWith('--'))[0])).toEqual(['/app/dist']);
    expect(find('COPY').some((instruction) => /\bsrc\b|\btest\b|node_modules/.test(instruction.args))).toBe(false);
    expect(find('ENV').map((instruction) => instruction.args).join(' ')).toMatch(/NODE_ENV=production/);
  });

  it('runs as a non-root user', () => {
    const users = find('USER').map((instruction) => instruction.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const lastUser = runtime.body.findLastIndex((instruction) => instruction.keyword === 'USER');
    const cmd = runtime.body.findLastIndex((instruction) => instruction.keyword === 'CMD');
    expect(lastUser).toBeLessThan(cmd);
  });

  it('starts the file nest build produces, with the node flags of npm run start:prod (docs/deploy.md), on the exposed port', () => {
    const cmd = find('CMD').at(-1)!;
    const argv: string[] = JSON.parse(cmd.args);
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toBe(builtEntryFile());
    expect(argv).toContain('--max-semi-space-size=32');
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(pkg.scripts['start:prod']).toBe(argv.join(' '));
    expect(find('EXPOSE').map((instruction) => instruction.args)).toContain('3000');
  });

  it('keeps the build context small', () => {
    const ignored = readFileSync(resolve(root, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', 'data', 'test', '.git']) expect(ignored).toContain(entry);
    // Whatever the build stage copies must not be ignored.
    for (const instruction of build.body.filter((item) => item.keyword === 'COPY' && !item.args.includes('--from'))) {
      const sources = instruction.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(ignored).not.toContain(source);
    }
  });

  describe('HEALTHCHECK', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    const healthcheck = () => {
      const instruction = find('HEALTHCHECK').at(-1)!;
      expect(instruction.args).toContain('/health/live');
      const argv = exec(instruction);
      expect(argv.slice(0, 2)).toEqual(['node', '-e']);
      return argv;
    };

    it('passes against a running app, with no curl in the image', async () => {
      const [node, flag, script] = healthcheck();
      const port = (t.app.getHttpServer().address() as { port: number }).port;
      await expect(run(node === 'node' ? process.execPath : node, [flag, script], { env: { PORT: String(port) }, timeout: 10_000 })).resolves.toBeDefined();
    });

    it('fails when nothing answers on the port', async () => {
      const [, flag, script] = healthcheck();
      const closed = await new Promise<number>((done) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => done(port));
        });
      });
      await expect(run(process.execPath, [flag, script], { env: { PORT: String(closed) }, timeout: 10_000 })).rejects.toMatchObject({ code: 1 });
    });
  });
});
