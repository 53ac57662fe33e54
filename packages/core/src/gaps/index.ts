export { SequenceTracker } from './tracker.js';
export type { Gap, Restart, SequenceMetrics, SequenceTrackerOptions } from './tracker.js';
