import { robustnessSuite } from 'segsense/vitest'

robustnessSuite(new URL('./fragile-vs-robust.json', import.meta.url))
