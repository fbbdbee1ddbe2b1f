import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    exclude: ['test/faults/**', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Every file has a database of its own (test/support/test-database.ts). Files still run one at
    // a time: several of them measure latency or timing, which two files on 2 cores would distort.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
