import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOutcome {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

/** The child's exit: `outcomes` holds every case that finished; `crashedIn` the one that was running when it died. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  outcomes: ChildOutcome[];
  crashedIn: string | null;
  stderr: string;
}

const CHILD = fileURLToPath(new URL('./expression-child.ts', import.meta.url));

/** Evaluates each case in a fresh Node process (see expression-child.ts); never throws for a crash. */
export function runExpressionsInChild(cases: Array<{ name: string; source: string; context?: Record<string, unknown> }>, timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--no-warnings', '--loader', 'ts-node/esm', CHILD], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_SWC: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(JSON.stringify(cases));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { start?: string } & ChildOutcome);
      const outcomes = lines.filter((line) => line.start === undefined);
      const started = lines.filter((line) => line.start !== undefined).map((line) => line.start!);
      const crashedIn = started.length > outcomes.length ? started[started.length - 1] : null;
      resolve({ code, signal, outcomes, crashedIn, stderr: stderr.slice(-2000) });
    });
  });
}
