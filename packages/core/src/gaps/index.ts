import { GapTracker } from './tracker.js';
import type { GapMetrics, GapTrackerOptions } from './tracker.js';

export { GapTracker };
export type { Gap, GapMetrics, GapTrackerOptions, Restart } from './tracker.js';

/** @deprecated Renamed {@link GapTracker}; this alias will be removed in a later minor version. */
export const SequenceTracker = GapTracker;
/** @deprecated Renamed {@link GapTracker}. */
export type SequenceTracker = GapTracker;
/** @deprecated Renamed {@link GapTrackerOptions}. */
export type SequenceTrackerOptions = GapTrackerOptions;
/** @deprecated Renamed {@link GapMetrics}. */
export type SequenceMetrics = GapMetrics;
