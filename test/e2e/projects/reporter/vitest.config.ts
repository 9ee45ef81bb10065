import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    setupFiles: ['segsense/vitest'],
    reporters: ['default', ['segsense/reporter', { outputDir: 'report-out', title: 'consumer robustness' }]],
    testTimeout: 120_000,
  },
})
