export { CorrelationRuntime, CorrelationState } from './runtime.js';
export type { CorrelationCounters, CorrelationFiring, CorrelationLimits } from './runtime.js';
export { CORRELATION_ERROR_CODES, CorrelationConfigError } from './errors.js';
export { percentileOf } from './percentile.js';
