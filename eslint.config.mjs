import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Another workspace package is imported by its name and declared exports, never by a path into its sources. */
const crossPackage = {
  regex: '^(\\.\\./)+([^./][^/]*/)+(src|test)/',
  message: 'Import another workspace package by its name (@rtcpulse/...) and its declared exports.',
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**', 'dashboards/generated/**', 'alerts/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts', 'collector/src/**/*.ts'],
    ignores: ['collector/src/server.ts', 'collector/src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // Sources, tests, benchmarks and tools alike.
    files: ['**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [crossPackage] }] },
  },
  {
    files: ['packages/sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            crossPackage,
            { group: ['node:*'], message: 'The SDK runs in browsers: no Node built-ins.' },
            {
              regex: '^@rtcpulse/schema(?!/(retry-policy|report-limits|ip-text)$)',
              allowTypeImports: true,
              message:
                'The SDK imports only types from the schema, so no schema runtime enters the bundle (the retry policy, the report limits and the IP-address patterns, leaf modules with no imports, are the exceptions).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/schema/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [crossPackage, { group: ['node:*'], message: 'The schema is platform-neutral.' }] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['examples/demo/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
