/**
 * `segsense/metrics`: overlap metrics from one pass over the confusion counts, the boundary distances (exact EDT,
 * 2D and 3D) and their policies for empty masks, and which way each metric improves. Loads no native module.
 */
export { confusionCounts, type ClassCounts } from './confusion.js'
export {
  DEFAULT_EMPTY_POLICY,
  DEFAULT_NSD_TOLERANCE,
  DISTANCE_METRIC_NAMES,
  METRIC_NAMES,
  dice,
  iou,
  isDistanceMetric,
  metricDirection,
  precision,
  recall,
  scoreMasks,
  type DistanceMetricName,
  type EmptyPolicy,
  type MetricName,
  type ScoreOptions,
} from './overlap.js'
export {
  DEFAULT_DISTANCE_EMPTY_POLICY,
  boundaryDistances,
  surfaceDistances,
  volumeSurfaceDistances,
  type BoundaryDistanceOptions,
  type BoundaryDistances,
  type DistanceEmptyPolicy,
  type SurfaceDistanceOptions,
  type VolumeDistanceOptions,
} from './distance.js'
export { squaredDistanceTransform, squaredDistanceTransform3d } from './edt.js'
