import { createServer } from 'node:net';

export const seconds = (ms) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
export const megabytes = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

/** A port nothing listens on right now (the containers share the host's network). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** One test of the image: its checks, printed lines and figures. */
export class ImageTest {
  problems = [];
  status = 'passed';

  constructor(suite, title) {
    Object.assign(this, suite);
    this.title = title;
  }

  print(line) {
    console.log(`  ${line}`);
  }

  check(ok, problem) {
    if (!ok) {
      this.problems.push(problem);
      console.log(`  ✗ ${problem}`);
    }
    return ok;
  }

  skip(reason) {
    this.status = 'skipped';
    console.log(`  – skipped: ${reason}`);
  }

  figure(name, value) {
    this.figures.push([name, value]);
  }
}
