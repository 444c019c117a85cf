import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test/artifacts/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', {
        paths: [{ name: 'child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argv array.' },
                { name: 'node:child_process', importNames: ['exec', 'execSync'], message: 'Use execFile with an argv array.' }],
      }],
    },
  },
  {
    // The engine is the inner room: no Electron, no platform readers.
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron'],
        patterns: [{ group: ['**/platform/**', 'node:child_process', 'child_process'], message: 'The engine imports no platform code.' }],
      }],
    },
  },
);
