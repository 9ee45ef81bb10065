import { readFile, stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
// Types only: the runtime module is loaded on first use (loadOrt), so importing segsense never loads
// onnxruntime's native binding, and the emitted declarations do not depend on its typings.
import type * as OnnxRuntime from 'onnxruntime-node'
import type { InferenceSession, Tensor } from 'onnxruntime-node'
import { SegsenseError, describeValue } from '../core/errors.js'
import type { Classes, LabelMap, Raster } from '../core/types.js'
import { onnxFingerprint } from './fingerprint.js'
import { checkPrediction, type SegmentationModel } from './model.js'
import { NUMERIC_TYPES, configureOnnx, settleOutputKind, type OnnxConfig, type OnnxModelConfig } from './onnx-config.js'
import {
  DEFAULT_MEMORY_ARENA,
  DEFAULT_SPINNING,
  badParam,
  checkOptions,
  type OnnxModelOptions,
} from './onnx-options.js'
import {
  convertChannels,
  isIdentityPlan,
  planFit,
  planPadToMultiple,
  writeTensor,
  type FitPlan,
  type TensorLayout,
} from './prepare.js'
import {
  decodeFinite,
  firstNonFinite,
  scoreLayout,
  scoresToLabels,
  type NumericArray,
  type ScoreDecoding,
} from './scores.js'

export type { OnnxInputOptions, OnnxModelOptions, OnnxOutputKind, OnnxOutputOptions } from './onnx-options.js'
export type { OnnxModelConfig } from './onnx-config.js'

/** A {@link SegmentationModel} backed by an onnxruntime session, with the configuration it settled on. */
export interface OnnxSegmentationModel extends SegmentationModel {
  /** The settled configuration (for messages, reports and tests). */
  readonly config: OnnxModelConfig
  /** `file:<hash of the model bytes>,options:<hash of classes, input, output>` (16 hex digits of SHA-256 each). */
  readonly fingerprint: string
  /** Releases the onnxruntime session after any running `predict`; later calls to `predict` reject with `E_MODEL_CLOSED`. */
  close(): Promise<void>
}

type Ort = typeof OnnxRuntime

let ortModule: Promise<Ort> | undefined

/** onnxruntime-node, imported once on first use; a failed import is not cached, so a later call retries. */
function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch((cause: unknown) => {
    ortModule = undefined
    throw new SegsenseError(
      'E_MODEL_LOAD',
      `cannot load onnxruntime-node (is it installed for this platform?): ${errorText(cause)}`,
      { cause },
    )
  })
  return ortModule
}

/**
 * Loads an ONNX segmentation model (a file path or the model's bytes) as a {@link SegmentationModel}.
 *
 * From the input/output metadata it infers what it can, and `options` override it:
 * - input: the first tensor input of rank 4 (or 3: `N x H x W`, one channel); layout from the shape
 *   (dim 1 of 1 or 3 -> NCHW, else last dim of 1 or 3 -> NHWC, ambiguous -> NCHW); channels from the
 *   channel axis (grey images are replicated for 3-channel models, RGB images become ITU-R 601 luma for
 *   1-channel models); a fixed size the image is stretched/padded/cropped to, or a dynamic size the
 *   image is zero-padded (bottom/right) to a multiple of 32;
 * - output: the first score map (4-D, or 3-D integer labels); kind from its type and channel count.
 *
 * Predictions are mapped back to each image's own size by resizing the scores bilinearly (align
 * corners) and then taking the argmax or threshold, so labels are never smoothed. With a dynamic batch
 * axis, images of the same tensor size go through one `session.run` per `batchSize`; a fixed batch of 1
 * runs once per image. Runs are serialised per model (buffers are reused between batches).
 * `fingerprint` hashes the model's bytes and the options that change predictions (`classes`, `input`, `output`),
 * so sweep snapshots notice a new model file or new settings.
 *
 * @throws SegsenseError `E_FILE_NOT_FOUND` (no such file), `E_MODEL_LOAD` (not a loadable ONNX model),
 * `E_MODEL_INPUT` (no usable input, or options the input cannot meet), `E_MODEL_OUTPUT` (no score map,
 * a class count below the largest class id + 1, a sigmoid output with several classes),
 * `E_BAD_PARAMETER` (malformed options). `predict` throws `E_MODEL_OUTPUT` for NaN/Inf scores (naming
 * the first bad index) and for an output of the wrong size, and `E_MODEL_INPUT` for an image whose
 * channels the model cannot take or a run onnxruntime rejects, and `E_MODEL_CLOSED` after `close()`.
 *
 * @example
 * const model = await loadOnnxModel('unet.onnx', { classes: { 1: 'LV', 2: 'MY', 3: 'RV' } })
 * const [mask] = await model.predict([image])
 * await model.close()
 */
export async function loadOnnxModel(
  source: string | Uint8Array,
  options: OnnxModelOptions,
): Promise<OnnxSegmentationModel> {
  checkOptions(options) // before touching the file: a malformed option fails the same way for any model
  const session = await createSession(source, options)
  const label = typeof source === 'string' ? source : `<memory: ${source.byteLength} bytes>` // names the model in messages
  const name = options.name ?? (typeof source === 'string' ? basename(source, extname(source)) : 'onnx-model')
  try {
    const config = configureOnnx(
      { inputs: session.session.inputMetadata, outputs: session.session.outputMetadata },
      options,
      label,
    )
    const fingerprint = onnxFingerprint(typeof source === 'string' ? await readFile(source) : source, options)
    return new OnnxModel(name, options.classes, session.ort, session.session, config, fingerprint)
  } catch (err) {
    await session.session.release().catch(() => undefined)
    throw err
  }
}

/**
 * Opens an onnxruntime session on a model file or the model's bytes (CPU, warnings silenced), with the options'
 * threads, spin-waiting and memory arena (defaults chosen by measurement, docs/performance.md).
 */
async function createSession(
  source: string | Uint8Array,
  options: Pick<OnnxModelOptions, 'threads' | 'spinning' | 'memoryArena'>,
): Promise<{ ort: Ort; session: InferenceSession }> {
  const { threads, spinning = DEFAULT_SPINNING, memoryArena = DEFAULT_MEMORY_ARENA } = options
  if (typeof source !== 'string' && !(source instanceof Uint8Array))
    throw badParam('source', source, 'a file path or a Uint8Array of model bytes', 'E_WRONG_TYPE')
  if (typeof source === 'string') {
    let isFile: boolean
    try {
      isFile = (await stat(source)).isFile()
    } catch {
      isFile = false
    }
    if (!isFile)
      throw new SegsenseError(
        'E_FILE_NOT_FOUND',
        `ONNX model file ${JSON.stringify(source)} not found (or not a file)`,
        { details: { file: source } },
      )
  }
  const ort = await loadOrt()
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    logSeverityLevel: 3,
    enableCpuMemArena: memoryArena,
    // onnxruntime reads session config entries as strings ('session.intra_op.allow_spinning').
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  }
  if (threads !== undefined && threads > 0) sessionOptions.intraOpNumThreads = threads
  try {
    // two calls, not one: create() is overloaded on the source type
    const session =
      typeof source === 'string'
        ? await ort.InferenceSession.create(source, sessionOptions)
        : await ort.InferenceSession.create(source, sessionOptions)
    return { ort, session }
  } catch (cause) {
    const message =
      typeof source === 'string'
        ? `cannot load ONNX model ${JSON.stringify(source)}`
        : `cannot load ONNX model from <memory: ${source.byteLength} bytes>`
    throw new SegsenseError('E_MODEL_LOAD', `${message}: ${errorText(cause)}`, {
      cause,
      ...(typeof source === 'string' ? { details: { file: source } } : {}),
    })
  }
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? ''
}

function labelArray(n: number, maxId: number): Uint8Array | Uint16Array {
  return maxId <= 255 ? new Uint8Array(n) : new Uint16Array(n)
}

class OnnxModel implements OnnxSegmentationModel {
  readonly name: string
  readonly classes: Classes
  readonly fingerprint: string
  private settled: OnnxConfig
  private readonly ort: Ort
  private session: InferenceSession | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private closing: Promise<void> | undefined
  /** The input tensor's buffer, kept between batches and calls (runs are serialised): no 2 MB allocation per batch. */
  private input: Float32Array | undefined

  constructor(
    name: string,
    classes: Classes,
    ort: Ort,
    session: InferenceSession,
    config: OnnxConfig,
    fingerprint: string,
  ) {
    this.name = name
    this.classes = classes
    this.fingerprint = fingerprint
    this.ort = ort
    this.session = session
    this.settled = config
  }

  /** The configuration; its `kind` is filled in by the first run when the metadata did not tell. */
  get config(): OnnxModelConfig {
    return this.settled
  }

  predict(images: readonly Raster[]): Promise<LabelMap[]> {
    if (this.closing)
      return Promise.reject(
        new SegsenseError('E_MODEL_CLOSED', `model ${JSON.stringify(this.name)} was closed; load it again to predict`),
      )
    // Serialise: batch buffers are reused and one session runs one batch at a time.
    const run = this.queue.then(() => this.predictNow(images))
    this.queue = run.catch(() => undefined)
    return run
  }

  close(): Promise<void> {
    // Predictions asked for before close still finish; the session is released after them.
    this.closing ??= this.queue.then(async () => {
      const s = this.session
      this.session = undefined
      await s?.release()
    })
    return this.closing
  }

  private planFor(img: Raster, index: number): FitPlan {
    if (
      !img ||
      !(img.data instanceof Float32Array) ||
      !Number.isInteger(img.width) ||
      !Number.isInteger(img.height) ||
      !Number.isInteger(img.channels) ||
      img.data.length !== img.width * img.height * img.channels ||
      img.width < 1 ||
      img.height < 1
    ) {
      throw new SegsenseError(
        'E_WRONG_TYPE',
        `model ${JSON.stringify(this.name)}: image ${index} is not a valid Raster (${describeValue(img)})`,
      )
    }
    const size = this.config.size
    return Array.isArray(size)
      ? planFit(img.width, img.height, size[0] as number, size[1] as number, this.config.fit)
      : planPadToMultiple(img.width, img.height, (size as { multipleOf: number }).multipleOf)
  }

  /** A buffer of exactly `length` floats over the kept input buffer, grown when too small. */
  private inputBuffer(length: number): Float32Array {
    if (!this.input || this.input.length < length) this.input = new Float32Array(length)
    return this.input.length === length ? this.input : this.input.subarray(0, length)
  }

  private async predictNow(images: readonly Raster[]): Promise<LabelMap[]> {
    const session = this.session
    if (!session)
      throw new SegsenseError(
        'E_MODEL_CLOSED',
        `model ${JSON.stringify(this.name)} was closed; load it again to predict`,
      )
    const given: unknown = images
    if (!Array.isArray(given))
      throw new SegsenseError(
        'E_WRONG_TYPE',
        `model ${JSON.stringify(this.name)}: predict takes an array of rasters, got ${describeValue(images)}`,
      )
    const plans = images.map((img, i) => this.planFor(img, i))
    // Group by tensor size, keeping the callers' order within each group.
    const groups = new Map<string, number[]>()
    plans.forEach((p, i) => {
      const key = `${p.tensorWidth}x${p.tensorHeight}`
      const g = groups.get(key)
      if (g) g.push(i)
      else groups.set(key, [i])
    })
    const results: LabelMap[] = new Array<LabelMap>(images.length)
    const { channels, layout, batchSize, batch } = this.config
    for (const members of groups.values()) {
      const first = plans[members[0] as number] as FitPlan
      const tw = first.tensorWidth
      const th = first.tensorHeight
      const slot = channels * tw * th
      const slots = Math.min(batchSize, batch === 'dynamic' ? members.length : batchSize)
      const buffer = this.inputBuffer(slots * slot) // reused by every chunk, group and call
      for (let start = 0; start < members.length; start += batchSize) {
        const chunk = members.slice(start, start + batchSize)
        for (let k = 0; k < chunk.length; k++) {
          const i = chunk[k] as number
          const img = images[i] as Raster
          let data: Float32Array
          try {
            data = convertChannels(img, channels, this.config.order)
          } catch (err) {
            if (err instanceof SegsenseError) {
              throw new SegsenseError(
                'E_MODEL_INPUT',
                `model ${JSON.stringify(this.name)} (${this.config.source}): image ${i} has ${img.channels} ` +
                  `channels, the model input takes ${channels}`,
                {
                  cause: err,
                  details: { image: i, imageChannels: img.channels, modelChannels: channels },
                },
              )
            }
            throw err
          }
          writeTensor(data, channels, plans[i] as FitPlan, buffer, k * slot, layout, this.config.normalize)
        }
        const n = batch === 'dynamic' ? chunk.length : batch
        if (n > chunk.length) buffer.fill(0, chunk.length * slot, n * slot) // a fixed batch is padded with blank images
        const dims =
          this.config.inputRank === 3 ? [n, th, tw] : layout === 'NCHW' ? [n, channels, th, tw] : [n, th, tw, channels]
        const tensor = new this.ort.Tensor(
          'float32',
          n * slot === buffer.length ? buffer : buffer.subarray(0, n * slot),
          dims,
        )
        let out: Tensor
        try {
          const res = await session.run({ [this.config.inputName]: tensor }, [this.config.outputName])
          out = res[this.config.outputName] as Tensor
        } catch (cause) {
          throw new SegsenseError(
            'E_MODEL_INPUT',
            `model ${JSON.stringify(this.name)} (${this.config.source}) rejected an input of shape ` +
              `[${dims.join(', ')}]: ${errorText(cause)}`,
            {
              cause,
              details: { file: this.config.source, dims },
            },
          )
        }
        this.decode(out, n, tw, th, chunk, plans, images, results)
      }
    }
    return results
  }

  private decode(
    out: Tensor,
    n: number,
    tw: number,
    th: number,
    chunk: number[],
    plans: FitPlan[],
    images: readonly Raster[],
    results: LabelMap[],
  ): void {
    const cfg = this.config
    const where = `model ${JSON.stringify(this.name)} (${cfg.source})`
    const dims = out.dims
    const fail = (msg: string, details: Record<string, unknown> = {}): SegsenseError =>
      new SegsenseError('E_MODEL_OUTPUT', `${where}: output ${JSON.stringify(cfg.outputName)} ${msg}`, {
        details: { file: cfg.source, output: cfg.outputName, dims: [...dims], ...details },
      })
    if (!NUMERIC_TYPES.has(out.type)) throw fail(`has type ${out.type}; expected a float or integer score map`)
    let outLayout: TensorLayout
    let C: number
    if (dims.length === 3) {
      if (dims[1] !== th || dims[2] !== tw)
        throw fail(`has shape [${dims.join(', ')}] for an input of ${tw}x${th}; expected a ${tw}x${th} score map`)
      outLayout = 'NCHW'
      C = 1
    } else if (dims.length === 4) {
      const nchw = dims[2] === th && dims[3] === tw
      const nhwc = dims[1] === th && dims[2] === tw
      if (!nchw && !nhwc)
        throw fail(
          `has shape [${dims.join(', ')}] for an input of ${tw}x${th}; expected a ${tw}x${th} score map (N x C x H x W or N x H x W x C)`,
        )
      outLayout = nchw && nhwc ? (cfg.inputRank === 4 ? cfg.layout : 'NCHW') : nchw ? 'NCHW' : 'NHWC'
      C = (outLayout === 'NCHW' ? dims[1] : dims[3]) as number
    } else {
      throw fail(
        `has shape [${dims.join(', ')}]; it is not a score map (N x C x H x W, N x H x W x C or N x H x W labels)`,
      )
    }
    if (dims[0] !== n) throw fail(`has a batch of ${dims[0]} for ${n} input images`)
    this.settled = settleOutputKind(this.settled, C, out.type, where)
    const { kind, sigmoidClass } = this.settled

    let data: NumericArray
    const raw = out.data
    if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
      // int64 label maps: convert once per batch, rejecting ids no LabelMap can hold.
      const conv = new Int32Array(raw.length)
      for (let i = 0; i < raw.length; i++) {
        const v = raw[i] as bigint
        if (v < 0n || v > 65535n) throw fail(`holds ${v} at index ${i}; class ids must be in 0..65535`, { index: i })
        conv[i] = Number(v)
      }
      data = conv
    } else {
      data = raw as NumericArray
    }
    const per = C * th * tw
    // The common case (float scores, tensor = image, argmax or threshold) decodes and checks finiteness in one pass.
    const fused =
      kind !== 'labels' &&
      (kind !== 'sigmoid' || C === 1) &&
      (data instanceof Float32Array || data instanceof Float64Array) &&
      chunk.every((i) => {
        const p = plans[i] as FitPlan
        return isIdentityPlan(p) && p.width === tw && p.height === th
      })
    const bad = fused ? -1 : firstNonFinite(data, 0, chunk.length * per)
    const reject = (bad: number): SegsenseError => {
      const b = Math.floor(bad / per)
      const r = bad % per
      const [c, y, x] =
        outLayout === 'NCHW'
          ? [Math.floor(r / (th * tw)), Math.floor((r % (th * tw)) / tw), r % tw]
          : [r % C, Math.floor(r / C / tw), Math.floor(r / C) % tw]
      return fail(
        `holds ${data[bad]} at index ${bad} (batch ${b}, class ${c}, row ${y}, column ${x}); scores must be finite`,
        { index: bad },
      )
    }
    if (bad >= 0) throw reject(bad)
    for (let k = 0; k < chunk.length; k++) {
      const i = chunk[k] as number
      const plan = plans[i] as FitPlan
      const layoutK = scoreLayout(outLayout, k, C, tw, th)
      let decoding: ScoreDecoding
      let maxId: number
      if (kind === 'labels') {
        maxId = 0
        const end = layoutK.base + per
        for (let p = layoutK.base; p < end; p++) {
          const v = data[p] as number
          if (!Number.isInteger(v) || v < 0 || v > 65535)
            throw fail(`holds ${v} at index ${p}; class ids must be integers in 0..65535`, { index: p })
          if (v > maxId) maxId = v
        }
        decoding = { kind: 'labels' }
      } else if (kind === 'sigmoid') {
        maxId = sigmoidClass
        decoding = { kind: 'threshold', threshold: cfg.threshold, classId: sigmoidClass }
      } else {
        maxId = C - 1
        decoding = { kind: 'argmax' }
      }
      const labels = labelArray(plan.width * plan.height, maxId)
      if (!fused) scoresToLabels(data, layoutK, plan, decoding, labels)
      // A non-finite score: the first one in the whole batch is named, as the separate check would.
      else if (!decodeFinite(data as Float32Array | Float64Array, layoutK, decoding, labels))
        throw reject(firstNonFinite(data, 0, chunk.length * per))
      const img = images[i] as Raster
      const map: LabelMap = img.spacing
        ? { width: plan.width, height: plan.height, data: labels, spacing: img.spacing }
        : { width: plan.width, height: plan.height, data: labels }
      results[i] = checkPrediction(this.name, img, map)
    }
  }
}
