import { robustnessSuite } from 'segsense/vitest'

// A URL, not its .pathname (which keeps %20 for a space): the e2e test also runs this project in a folder with a space.
robustnessSuite(new URL(`./${process.env.SEGSENSE_SPEC ?? 'robust.json'}`, import.meta.url))
