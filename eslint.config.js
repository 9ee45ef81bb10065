// ESLint (flat config): typescript-eslint's type-checked rules over src/ and test/, formatting left to Prettier.
// An un-awaited gate is the worst bug of this library, so the promise rules are errors, not warnings.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'bench/results/**',
      'segsense-demo/**',
      'segsense-report/**',
      'test/e2e/projects/**',
      'test/e2e/vitest5/**',
      'test/e2e/typescript7/**',
      'test/e2e/consumer/**',
      'fixtures/**',
      'docs/**',
      'bench/**',
      'scripts/**',
      '*.config.ts',
      'eslint.config.js',
      'test/**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON written by child processes, vitest and the reporter and then assert on its fields: the
    // assertion is the type check there. The promise rules stay errors in tests too.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
)
