import { robustnessSuite } from 'segsense/vitest'

robustnessSuite(new URL(`./${process.env.SEGSENSE_SPEC ?? 'robust.json'}`, import.meta.url).pathname)
