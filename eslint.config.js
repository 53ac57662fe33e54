// @ts-check
// `pnpm lint`: typescript-eslint's type-aware recommended rules over every TypeScript file, type
// information from the nearest tsconfig.json (the package's for src/, test/tsconfig.json for tests).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const sources = ['packages/*/src/**/*.ts', 'tools/*/src/**/*.ts', 'bench/src/**/*.ts', 'fuzz/src/**/*.ts'];
const tests = [
  'packages/*/test/**/*.ts',
  'tools/*/test/**/*.ts',
  'bench/test/**/*.ts',
  'fuzz/test/**/*.ts',
  'test/**/*.ts',
];

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/build/**',
      '**/node_modules/**',
      'coverage/**',
      'rules/**',
      'fixtures/**',
      '**/*.generated.ts',
    ],
  },
  {
    files: [...sources, ...tests],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A leading underscore marks a parameter kept for a signature (FieldGetter's ctx) and `...rest`
      // with an omitted sibling is how a field is dropped from a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Deliberate: EventSource.stop() and similar are `async` without awaiting so that a throw becomes
      // a rejected promise, as the interface promises; removing `async` would change that.
      '@typescript-eslint/require-await': 'off',
      // The YAML fast path bails out to the full parser by throwing a preallocated sentinel (no stack
      // capture on a hot path); everything else throws Error subclasses.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'Bail' }] }],
      // Catch a non-exhaustive switch over a union of event types, document kinds or codes.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: tests,
    rules: {
      // Tests read command output with JSON.parse and build deliberately malformed inputs: an `any`
      // there is checked by the assertion that follows, so the unsafe-any family adds noise, not safety.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
