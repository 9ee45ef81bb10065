import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    setupFiles: ['segsense/vitest'],
    reporters: ['default', '../gate/annotations-reporter.ts'],
    testTimeout: 120_000,
  },
})
