/**
 * `segsense/metrics`: overlap metrics from one pass over the confusion counts, the boundary distances (exact EDT)
 * and their policies for empty masks. Loads no native module.
 */
export { confusionCounts, type ClassCounts } from './confusion.js'
export {
  DEFAULT_EMPTY_POLICY,
  DEFAULT_NSD_TOLERANCE,
  METRIC_NAMES,
  dice,
  iou,
  precision,
  recall,
  scoreMasks,
  type EmptyPolicy,
  type MetricName,
  type ScoreOptions,
} from './overlap.js'
export {
  DEFAULT_DISTANCE_EMPTY_POLICY,
  boundaryDistances,
  squaredDistanceTransform,
  surfaceDistances,
  type BoundaryDistanceOptions,
  type BoundaryDistances,
  type DistanceEmptyPolicy,
  type SurfaceDistanceOptions,
} from './distance.js'
