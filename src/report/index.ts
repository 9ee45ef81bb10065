/** Reports: charts, overlays, frame strips, GIFs, the HTML report, robustness specs and the JSON schemas. */
export * from './chart.js'
export * from './format.js'
export * from './overlay.js'
export * from './gif.js'
export * from './html.js'
export { validateSweepResult, assertSweepResult, sweepResultSchema, type SweepResultValidation } from './schema/validate.js'
