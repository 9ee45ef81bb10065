import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer projects are run by the e2e tests in their own vitest processes.
    exclude: [...configDefaults.exclude, 'test/e2e/projects/**', 'test/case-studies/**'],
    // Generous limits: these are hang guards, not speed checks (speed is measured by npm run bench), and the
    // e2e hooks run whole vitest processes on a shared 2-core machine.
    // Two workers on the 2-core machines: the e2e files mostly wait on child processes (vitest runs, the CLI,
    // chromium), so a second worker took the suite from 292 s to 230 s here.
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
})
