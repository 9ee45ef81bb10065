import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { Classes, Sample } from '../core/types.js'
import { loadSample } from '../io/mask.js'

/**
 * Names of the bundled fixture models (2D short-axis cardiac MRI, ACDC classes): `cardiac-*` trained on synthetic
 * phantoms ({@link CARDIAC_CLASSES}), `sunnybrook-*` on real scans ({@link SUNNYBROOK_CLASSES}).
 */
export type FixtureModelName = 'cardiac-fragile' | 'cardiac-robust' | 'sunnybrook-fragile' | 'sunnybrook-robust'

/** Names of the bundled sample sets. */
export type FixtureSampleSet = 'cardiac'

/** The classes of the bundled cardiac models and samples (ACDC convention). */
export const CARDIAC_CLASSES: Classes = Object.freeze({ 1: 'RV', 2: 'MYO', 3: 'LV' })

/**
 * The classes of the real-data models `sunnybrook-fragile` / `sunnybrook-robust` (ACDC numbering; the Sunnybrook
 * contours have no RV, so id 1 is never predicted).
 */
export const SUNNYBROOK_CLASSES: Classes = Object.freeze({ 2: 'MYO', 3: 'LV' })

const FIXTURE_MODELS: readonly FixtureModelName[] = [
  'cardiac-fragile',
  'cardiac-robust',
  'sunnybrook-fragile',
  'sunnybrook-robust',
]

/** The package's fixtures folder (src/models and dist/models both sit two levels below the package root). */
function fixturesDir(): string {
  return fileURLToPath(new URL('../../fixtures/', import.meta.url))
}

/**
 * Absolute path of a bundled fixture model (`.onnx`), for `loadOnnxModel(fixtureModelPath('cardiac-fragile'), {
 * classes: CARDIAC_CLASSES })`.
 * - `cardiac-fragile`: trained without rotation, flip or intensity augmentation (it learns where the heart lies).
 * - `cardiac-robust`: the same network trained with rotation, zoom, intensity and noise augmentation.
 * - `sunnybrook-fragile` / `sunnybrook-robust`: the same network with per-image intensity normalisation in the graph,
 *   trained on 74 real short-axis slices of 4 Sunnybrook Cardiac Data patients (CC0), without and with rotation, zoom,
 *   intensity, noise and k-space spike augmentation; they take slices as {@link loadSample} gives them (no window)
 *   and predict {@link SUNNYBROOK_CLASSES}. Patient SCD0000501 is held out (fixtures/README.md has the model card).
 *
 * @throws SegsenseError `E_BAD_PARAMETER` for an unknown name, `E_FILE_NOT_FOUND` if the file is missing.
 */
export function fixtureModelPath(name: FixtureModelName): string {
  if (!FIXTURE_MODELS.includes(name)) {
    throw new SegsenseError(
      'E_OUT_OF_RANGE',
      `unknown fixture model ${describeValue(name)}; expected one of ${FIXTURE_MODELS.join(', ')}`,
    )
  }
  const path = `${fixturesDir()}models/${name}.onnx`
  if (!existsSync(path))
    throw new SegsenseError(
      'E_FILE_NOT_FOUND',
      `fixture model file ${path} is missing (is the package installed completely?)`,
    )
  return path
}

/**
 * Loads a bundled sample set: `cardiac` gives the held-out synthetic short-axis images `sa-01` ... with their masks
 * (256x256, 1.5 mm spacing, classes {@link CARDIAC_CLASSES}), in name order.
 */
export async function loadFixtureSamples(set: FixtureSampleSet = 'cardiac'): Promise<Sample[]> {
  if (set !== 'cardiac')
    throw new SegsenseError('E_OUT_OF_RANGE', `unknown fixture sample set ${describeValue(set)}; expected 'cardiac'`)
  const dir = `${fixturesDir()}samples/${set}/`
  const names = (await readdir(dir)).filter((f) => /^sa-\d+\.png$/.test(f)).sort()
  return Promise.all(
    names.map(async (f) => {
      const id = f.replace(/\.png$/, '')
      const s = await loadSample(id, dir + f, `${dir}${id}-mask.png`)
      // The generator draws at 1.5 mm per pixel; PNG files do not carry it.
      return {
        ...s,
        image: { ...s.image, spacing: [1.5, 1.5] as const },
        ...(s.truth ? { truth: { ...s.truth, spacing: [1.5, 1.5] as const } } : {}),
      }
    }),
  )
}
