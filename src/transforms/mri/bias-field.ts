/** Smooth multiplicative bias field: TorchIO v1 `BiasField` (misas' polynomial field). */
import { copyRaster } from '../kernels/channels.js'
import { defineTransform, type Transform } from '../transform.js'
import { checkBoolean, checkInteger, checkNumber, reject } from '../validate.js'

/** Options of {@link biasField}. */
export interface BiasFieldOptions {
  /** Polynomial order (TorchIO default 3). */
  readonly order: number
  /**
   * Per-term coefficients, scaled by the parameter; null (default) = every coefficient equals the
   * parameter (misas). Either TorchIO's 3D list (`(o+1)(o+2)(o+3)/6` terms, order (a, b, c) with
   * x^a y^b z^c; terms with c > 0 vanish in 2D) or the 2D list (`(o+1)(o+2)/2` terms, a ascending, then b).
   */
  readonly coefficients: readonly number[] | null
  /** Clamp the field to [0, 1] before multiplying (misas: darkening only). Default false (TorchIO). */
  readonly clampField: boolean
  /** Clamp the output to [0, 1]. Default false. */
  readonly clip: boolean
}

/** Normalised coordinates of TorchIO: `arange(−n/2, n/2) + 0.5`, divided by its max when > 0 (linspace(−1, 1, n); [0] for n = 1). */
function biasAxis(n: number): Float64Array {
  const r = new Float64Array(n)
  const max = n / 2 - 0.5
  for (let k = 0; k < n; k++) r[k] = max > 0 ? (k - n / 2 + 0.5) / max : k - n / 2 + 0.5
  return r
}

/** The 2D coefficient matrix c[a][b] (x^a y^b, a + b <= order) from the options and the parameter. */
function biasCoefficients(order: number, value: number, coefficients: readonly number[] | null): Float64Array {
  const c = new Float64Array((order + 1) * (order + 1))
  const n3 = ((order + 1) * (order + 2) * (order + 3)) / 6
  const n2 = ((order + 1) * (order + 2)) / 2
  if (coefficients !== null && coefficients.length !== n3 && coefficients.length !== n2) {
    reject(
      'biasField',
      'option coefficients',
      coefficients,
      `null, ${n3} (TorchIO 3D order) or ${n2} (2D) numbers for order ${order}`,
    )
  }
  let i = 0
  let i2 = 0
  for (let a = 0; a <= order; a++) {
    for (let b = 0; b <= order - a; b++) {
      if (coefficients === null) c[a * (order + 1) + b] = value
      else if (coefficients.length === n2 && n2 !== n3) c[a * (order + 1) + b] = value * (coefficients[i2] as number)
      for (let cc = 0; cc <= order - a - b; cc++) {
        // TorchIO's enumeration: only z^0 terms survive in 2D (z = 0, 0**0 = 1).
        if (coefficients !== null && coefficients.length === n3 && cc === 0)
          c[a * (order + 1) + b] = value * (coefficients[i] as number)
        i++
      }
      i2++
    }
  }
  return c
}

/**
 * TorchIO v1 `BiasField.generate_bias_field` for a W x H image: `field = exp(Σ c_ab·X^a·Y^b)`, X over x
 * (TorchIO axis 0) and Y over y, both linspace(−1, 1). Returned row-major (index y·W + x), Float64.
 */
export function biasFieldMap(
  width: number,
  height: number,
  order: number,
  value: number,
  coefficients: readonly number[] | null = null,
): Float64Array {
  const c = biasCoefficients(order, value, coefficients)
  const X = biasAxis(width)
  const Y = biasAxis(height)
  const field = new Float64Array(width * height)
  const poly = new Float64Array(order + 1)
  for (let y = 0; y < height; y++) {
    const yv = Y[y] as number
    // poly[a] = Σ_b c_ab·Y^b for this row; then Horner in X per pixel.
    for (let a = 0; a <= order; a++) {
      let s = 0
      let yp = 1
      for (let b = 0; b <= order - a; b++) {
        s += (c[a * (order + 1) + b] as number) * yp
        yp *= yv
      }
      poly[a] = s
    }
    for (let x = 0; x < width; x++) {
      const xv = X[x] as number
      let s = 0
      for (let a = order; a >= 0; a--) s = s * xv + (poly[a] as number)
      field[y * width + x] = Math.exp(s)
    }
  }
  return field
}

/**
 * Smooth multiplicative bias field (TorchIO v1 `BiasField`, misas' polynomial field): the parameter is the
 * coefficient given to every polynomial term (0 = unchanged), or the scale of `coefficients` when given.
 * misas clamps the field to [0, 1] (`clampField: true`) and sweeps 0 to −0.55. Labels untouched.
 */
export const biasField: Transform<BiasFieldOptions> = defineTransform<BiasFieldOptions>({
  name: 'biasField',
  parameter: {
    name: 'coefficient',
    unit: '',
    neutral: 0,
    scale: 'linear',
    defaultRange: [-0.5, 0.5],
    defaultStep: 0.05,
  },
  spatial: false,
  options: { order: 3, coefficients: null, clampField: false, clip: false },
  validate: (o) => {
    checkInteger('biasField', 'option order', o.order, 0, 10)
    if (o.coefficients !== null) {
      if (!Array.isArray(o.coefficients) || !o.coefficients.every((v) => typeof v === 'number' && Number.isFinite(v)))
        reject('biasField', 'option coefficients', o.coefficients, 'null or an array of finite numbers')
      biasCoefficients(o.order, 1, o.coefficients)
    }
    checkBoolean('biasField', 'option clampField', o.clampField)
    checkBoolean('biasField', 'option clip', o.clip)
  },
  image: (img, value, o) => {
    const v = checkNumber('biasField', 'coefficient', value)
    if (v === 0) return copyRaster(img)
    const { width: W, height: H, channels: C } = img
    const field = biasFieldMap(W, H, o.order, v, o.coefficients)
    const out = new Float32Array(img.data.length)
    for (let i = 0; i < W * H; i++) {
      let f = field[i] as number
      if (o.clampField) f = f < 0 ? 0 : f > 1 ? 1 : f
      for (let ch = 0; ch < C; ch++) {
        let r = (img.data[i * C + ch] as number) * f
        if (o.clip) r = r < 0 ? 0 : r > 1 ? 1 : r
        out[i * C + ch] = r
      }
    }
    return { ...img, data: out }
  },
})
