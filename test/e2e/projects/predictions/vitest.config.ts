import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    setupFiles: ['segsense/vitest'],
    reporters: ['default', '../gate/annotations-reporter.ts'],
    testTimeout: 120_000,
    // segsense is linked from outside node_modules here, so vitest would transform its dist like source; an installed
    // package is external (and this saves seconds per run).
    server: { deps: { external: [/\/dist\//] } },
  },
})
