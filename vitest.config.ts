import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer projects are run by the e2e tests in their own vitest processes.
    exclude: [...configDefaults.exclude, 'test/e2e/projects/**'],
    testTimeout: 60_000,
  },
})
