// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Imports the domain must never make: it is plain TypeScript, testable without any framework. */
const frameworkImports = {
  patterns: [
    { group: ['@nestjs/*'], message: 'libs/recommendations is framework-free: keep Nest in apps/ and adapters.' },
    { group: ['@eventstore/*', 'better-sqlite3'], message: 'libs/recommendations must not know the event store.' },
    { group: ['bullmq', 'ioredis'], message: 'libs/recommendations must not know the job queue.' },
    {
      group: ['@app/event-store', '@app/read-models', '@app/reminders', '@app/audit'],
      message: 'the domain depends on nothing else.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'jest.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['libs/recommendations/**/*.ts', 'libs/accounts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', frameworkImports] },
  },
);
