import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'migrations/', 'coverage/', 'src/platform/views/static/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [] }],
    },
  },
  {
    // Platform knows no feature (DESIGN.md: dependencies point one way).
    files: ['src/platform/**/*.ts', 'src/stats/**/*.ts', 'src/exports/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/features/**'], message: 'Platform, stats and exports must not import a feature.' }],
        },
      ],
    },
  },
  {
    files: ['src/platform/static/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
