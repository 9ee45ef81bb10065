// The plain-JSON type of a Vega-Lite spec: what the chart builders return and the renderers draw.

/** A JSON value, the stuff a {@link ChartSpec} is made of. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue
}

/**
 * A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html) as plain JSON: what
 * {@link chartSpec} and {@link heatmapSpec} return and {@link renderSpecSvg} draws (segsense's specs carry
 * `$schema: 'https://vega.github.io/schema/vega-lite/v6.json'`, so written to a file they open in the Vega editor).
 * segsense's own type rather than vega-lite's `TopLevelSpec`, whose typings fail to compile in projects with
 * `exactOptionalPropertyTypes` and `skipLibCheck: false`; a `TopLevelSpec` built with vega-lite's types passes
 * with a cast. The type checks JSON shape only: vega-lite checks the fields when the chart is drawn.
 */
export type ChartSpec = JsonObject
