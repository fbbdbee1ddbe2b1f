import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    exclude: ['test/faults/**', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Files share one database (every test owns its data through its own users), so they run one
    // at a time; that also keeps the embedded PGlite, which serialises everything, predictable.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
