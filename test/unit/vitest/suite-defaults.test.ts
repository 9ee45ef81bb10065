// robustnessSuite over a spec whose requirement has neither a threshold nor a reference of its own: the generated
// test passes only if the spec's top-level defaults reach toBeRobustTo (else "needs a threshold", and without
// truth masks E_MISSING_TRUTH).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { robustnessSuite } from '../../../src/vitest/suite.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'segsense-suite-defaults-'))
const file = join(dir, 'defaults.json')
writeFileSync(
  file,
  JSON.stringify({
    name: 'spec defaults reach every requirement',
    model: { onnx: join(root, 'fixtures/models/cardiac-robust.onnx'), classes: { 1: 'RV', 2: 'MYO', 3: 'LV' } },
    samples: [{ image: join(root, 'fixtures/samples/cardiac/sa-01.png') }],
    defaults: { min: { LV: 0.5 }, reference: 'prediction', emptyPolicy: 'nan', batchTimeout: 60_000 },
    requirements: [{ name: 'threshold and reference from the defaults', transform: 'rotate', values: [-10, 0, 10] }],
  }),
)

robustnessSuite(file, { attach: 'never', timeout: 60_000 })
