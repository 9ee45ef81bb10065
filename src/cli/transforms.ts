import { table } from '../report/format.js'
import { transformsByName } from '../transforms/registry.js'
import { EXIT } from './shared.js'

/** One transform as `segsense transforms` lists it. */
export interface TransformInfo {
  readonly name: string
  readonly parameter: string
  readonly unit: string
  readonly neutral: number
  readonly scale: string
  readonly defaultRange: readonly [number, number]
  readonly defaultStep: number
  readonly spatial: boolean
  /** The transform's options (the keys `--option` and a spec's `options` take) with their defaults. */
  readonly options: Readonly<Record<string, unknown>>
}

/** Every built-in transform with its parameter, unit, neutral value and default grid. */
export function transformInfos(): TransformInfo[] {
  return Object.entries(transformsByName).map(([name, t]) => ({
    name,
    parameter: t.parameter.name,
    unit: t.parameter.unit,
    neutral: t.parameter.neutral,
    scale: t.parameter.scale,
    defaultRange: [t.parameter.defaultRange[0], t.parameter.defaultRange[1]],
    defaultStep: t.parameter.defaultStep,
    spatial: t.spatial,
    options: { ...t.options },
  }))
}

/** `padding=zeros, seed=0, times=null`: the options as `--option` takes them (values as JSON), `-` for none. */
function optionsText(options: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(options)
  return entries.length
    ? entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')
    : '-'
}

/** `segsense transforms [--json]`. */
export function runTransforms(options: { json?: boolean }): number {
  const infos = transformInfos()
  if (options.json) {
    process.stdout.write(`${JSON.stringify(infos, null, 2)}\n`)
    return EXIT.ok
  }
  const rows = [
    [
      'transform',
      'parameter',
      'unit',
      'neutral',
      'scale',
      'default range',
      'step',
      'moves truth',
      'options (--option key=value, defaults)',
    ],
  ]
  for (const t of infos)
    rows.push([
      t.name,
      t.parameter,
      t.unit || '-',
      String(t.neutral),
      t.scale,
      `${t.defaultRange[0]} .. ${t.defaultRange[1]}`,
      String(t.defaultStep),
      t.spatial ? 'yes' : 'no',
      optionsText(t.options),
    ])
  const lines = table(rows)
  process.stdout.write(
    `${[lines[0], '-'.repeat(Math.max(...lines.map((l) => l.length))), ...lines.slice(1)].join('\n')}\n`,
  )
  return EXIT.ok
}
