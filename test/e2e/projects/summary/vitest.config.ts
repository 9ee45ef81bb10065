import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    setupFiles: ['segsense/vitest'],
    reporters: [
      'default',
      ['junit', { outputFile: 'junit.xml' }],
      [
        'segsense/reporter',
        { outputDir: 'report-out', title: 'pr robustness', summary: 'summary-out/segsense.md', history: { dir: 'history' } },
      ],
    ],
    testTimeout: 120_000,
  },
})
