/**
 * Checks of the clean predictions a `reference: 'prediction'` sweep scores against. Agreeing with a clean prediction
 * proves nothing when that prediction cannot change: one that fills the image (a transform moves or blurs nothing
 * the model can lose) or one the model makes whatever it is shown. These pure functions refuse such references
 * (`E_DEGENERATE_REFERENCE`), build the probe images that reveal an input-independent model, and list the classes
 * that cover nearly the whole image (a `large-class` warning). docs/sweeps.md ("Without ground truth") says what
 * no-truth mode can and cannot prove.
 */
import { SegsenseError } from '../core/errors.js'
import { withData } from '../core/raster.js'
import type { Classes, LabelMap, Raster } from '../core/types.js'
import type { SweepWarning } from '../results/sweep-result.js'

/**
 * Share of the image (0..1) above which a scored class of a clean prediction gets a `large-class` warning under
 * `reference: 'prediction'`: such a class keeps a high Dice under any perturbation, because its bulk outweighs any
 * change at its boundary.
 */
export const LARGE_CLASS_SHARE = 0.9

/** Probe images per sample predicted with the clean one: a blank image and a shuffled copy of the sample. */
const PROBES = 2

/** Images the clean phase of a `reference: 'prediction'` run predicts for `samples` samples (clean + probes). */
export function cleanPhaseImages(samples: number): number {
  return samples * (1 + PROBES)
}

/** A seeded xorshift32 generator in [0, 1): the shuffled probe is the same on every run. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4294967296
  }
}

/**
 * The probe images of one sample: `blank`, all zeros, and `shuffled`, its pixels (channels kept together) in a seeded
 * random order. A model that depends on its input predicts something else for at least one of them.
 */
export function probeImages(image: Raster): { readonly blank: Raster; readonly shuffled: Raster } {
  const { width, height, channels, data } = image
  const n = width * height
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const random = xorshift(n * 31 + channels)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = order[i] as number
    order[i] = order[j] as number
    order[j] = t
  }
  const out = new Float32Array(data.length)
  for (let i = 0; i < n; i++) {
    const from = (order[i] as number) * channels
    for (let c = 0; c < channels; c++) out[i * channels + c] = data[from + c] as number
  }
  return { blank: withData(image, new Float32Array(data.length)), shuffled: withData(image, out) }
}

/**
 * The images of slots `start..end` of the clean phase ({@link cleanPhaseImages} slots for `samples`): first every
 * sample's image (through `copy`: the model must not get the caller's pixels), then per sample its blank and its
 * shuffled probe ({@link probeImages}).
 */
export function cleanPhaseBatch(
  samples: readonly { readonly image: Raster }[],
  start: number,
  end: number,
  copy: (image: Raster) => Raster,
): Raster[] {
  const n = samples.length
  const out: Raster[] = []
  let probe: ReturnType<typeof probeImages> | undefined
  for (let j = start; j < end; j++) {
    if (j < n) {
      out.push(copy((samples[j] as { image: Raster }).image))
      continue
    }
    const s = Math.floor((j - n) / 2)
    // A sample's two probes may fall into two batches: the shuffle is seeded, so it is made again the same.
    if ((j - n) % 2 === 0 || !probe) probe = probeImages((samples[s] as { image: Raster }).image)
    out.push((j - n) % 2 === 0 ? probe.blank : probe.shuffled)
  }
  return out
}

/** Pixel count per class id of a mask (index = id), in one pass. */
export function classCounts(mask: LabelMap): Float64Array {
  let max = 0
  const data = mask.data
  for (let i = 0; i < data.length; i++) if ((data[i] as number) > max) max = data[i] as number
  const counts = new Float64Array(max + 1)
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number
    counts[v] = (counts[v] as number) + 1
  }
  return counts
}

function sameLabels(a: LabelMap, b: LabelMap): boolean {
  if (a.width !== b.width || a.height !== b.height) return false
  const x = a.data
  const y = b.data
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
  return true
}

/** How a clean prediction is named in messages: its class names, or `id N` for an id the model does not name. */
function nameOf(classes: Classes, id: number): string {
  return classes[id] ?? `id ${id}`
}

const ADVICE = 'score against a truth mask, or check what the model outputs (a sigmoid threshold below its range?)'

/** What the reference checks read of a plan. */
export interface ReferencePlan {
  /** Names the sweep in messages. */
  readonly what: string
  /** The model's classes, id -> name (names the classes in messages). */
  readonly modelClasses: Classes
  /** Whether id 0 is scored as a class (then it is no background, and a prediction without it may be fine). */
  readonly includeBackground: boolean
}

/**
 * Refuses clean predictions that fill the image: one label at every pixel (other than all background, which the
 * empty-reference warnings report), or, when id 0 is background, no background pixel at all.
 *
 * @throws SegsenseError `E_DEGENERATE_REFERENCE` naming the sweep, the sample and the classes.
 */
export function checkFilledReferences(
  plan: ReferencePlan,
  ids: readonly string[],
  references: readonly LabelMap[],
): void {
  references.forEach((ref, s) => {
    const counts = classCounts(ref)
    const total = ref.data.length
    const full = counts.findIndex((c) => c === total)
    const noBackground = !plan.includeBackground && total > 0 && !(counts[0] as number)
    if (!(full > 0) && !noBackground) return
    const shares = [...counts.keys()]
      .filter((id) => (counts[id] as number) > 0)
      .map((id) => `${nameOf(plan.modelClasses, id)} ${((100 * (counts[id] as number)) / total).toFixed(1)}%`)
    const what =
      full > 0 ? `is ${nameOf(plan.modelClasses, full)} at every pixel` : `has no background (${shares.join(', ')})`
    throw new SegsenseError(
      'E_DEGENERATE_REFERENCE',
      `${plan.what} with reference: 'prediction': the clean prediction of sample ${JSON.stringify(ids[s])} ${what}, ` +
        `so no transform can show a change; ${ADVICE}`,
      { details: { sample: ids[s], reason: 'fills-image' } },
    )
  })
}

/**
 * Refuses a model that ignores its input: for every sample, its predictions on the blank and the shuffled probe
 * ({@link probeImages}) are the clean prediction exactly. A model whose clean predictions are all background is left
 * to the empty-reference warnings.
 *
 * @throws SegsenseError `E_DEGENERATE_REFERENCE` naming the sweep and the model.
 */
export function checkInputDependence(
  plan: ReferencePlan & { readonly model: string },
  cleans: readonly LabelMap[],
  probes: readonly (readonly LabelMap[])[],
): void {
  if (cleans.length === 0) return
  if (cleans.every((c) => !c.data.some((v) => v !== 0))) return
  const ignores = cleans.every((c, s) => (probes[s] ?? []).every((p) => sameLabels(c, p)))
  if (!ignores) return
  throw new SegsenseError(
    'E_DEGENERATE_REFERENCE',
    `${plan.what} with reference: 'prediction': model ${JSON.stringify(plan.model)} predicts the same labels for a ` +
      'blank image and for a shuffled copy of every sample as for the sample itself, so its prediction ignores its ' +
      `input and agreeing with it proves nothing; ${ADVICE}`,
    { details: { model: plan.model, reason: 'input-independent' } },
  )
}

/**
 * The `large-class` warnings of a `reference: 'prediction'` run: one per sample and scored class whose clean
 * prediction covers more than {@link LARGE_CLASS_SHARE} of the image.
 */
export function largeClassWarnings(
  classes: Classes,
  ids: readonly string[],
  references: readonly (LabelMap | undefined)[],
): SweepWarning[] {
  const out: SweepWarning[] = []
  const scored = Object.keys(classes).map(Number)
  references.forEach((ref, s) => {
    if (!ref) return
    const counts = classCounts(ref)
    const total = ref.data.length
    for (const id of scored) {
      const share = (counts[id] ?? 0) / total
      if (!(share > LARGE_CLASS_SHARE)) continue
      const className = classes[id] as string
      const sample = ids[s] as string
      out.push({
        sample,
        className,
        reason: 'large-class',
        message:
          `sample ${JSON.stringify(sample)}: the clean prediction's ${className} covers ${(100 * share).toFixed(1)}% ` +
          `of the image (over ${100 * LARGE_CLASS_SHARE}%); its scores stay high whatever the transform does`,
      })
    }
  })
  return out
}
