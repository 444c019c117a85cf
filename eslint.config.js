import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test/artifacts/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    // Attacker text reaches most patterns: none may backtrack badly (test/security/regex-budget.test.ts
    // also runs every pattern on 100 KB adversarial strings). Tests read only text they made themselves.
    files: ['main/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': ['error', { ignoreSticky: true, ignorePartial: false, report: 'certain' }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argv array.' },
            {
              name: 'node:child_process',
              importNames: ['exec', 'execSync'],
              message: 'Use execFile with an argv array.',
            },
          ],
        },
      ],
    },
  },
  {
    // The engine is the inner room: no Electron, no platform readers.
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [
            {
              group: ['**/platform/**', 'node:child_process', 'child_process'],
              message: 'The engine imports no platform code.',
            },
          ],
        },
      ],
    },
  },
);
