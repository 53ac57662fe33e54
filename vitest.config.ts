import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

// Tests import workspace packages from source, so no build is needed to run them.
export default defineConfig({
  resolve: {
    alias: {
      '@nightjar/core': src('core'),
      '@nightjar/rules': src('rules'),
      '@nightjar/native-es': src('native-es'),
      '@nightjar/ruletools': src('ruletools'),
      '@nightjar/sources': src('sources'),
      '@nightjar/fleet': src('fleet'),
    },
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'tools/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'fuzz/test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
