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
      // Every file fits on a few screens (issue 11): split along a sub-capability rather than raise this.
      'max-lines': ['error', { max: 400 }],
    },
  },
  {
    // A feature's route modules are its own: another feature (or a service) never imports them, not even for a type.
    files: ['src/features/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*/routes', '../*/*-routes', '../*/routes/**', '../*/api'],
              message: "Import another feature's service, model or schema, never its routes or API module.",
            },
          ],
        },
      ],
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
