import { defineConfig } from 'vitest/config'

// The case-study scripts in their quick form (npm run test:case-studies, run by .ci/run): minutes of real sweeps,
// kept out of `npm test`.
export default defineConfig({
  test: {
    include: ['test/case-studies/**/*.test.ts'],
    maxWorkers: 1,
    testTimeout: 600_000,
  },
})
