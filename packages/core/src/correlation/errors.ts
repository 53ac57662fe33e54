import { NightjarError } from '../errors.js';
import type { CoreErrorCode } from '../codes.js';

/**
 * Stable codes of the errors the engine throws at construction for a ruleset it will not run. They are
 * the codes `@nightjar/rules` reports for the same mistakes in a rule file: one problem, one code.
 */
export const CORRELATION_ERROR_CODES = {
  /** A correlation's timespan is above `correlation.maxTimespanUs` (default 1 h). */
  TIMESPAN_LIMIT: 'NJ_TIMESPAN_LIMIT',
  /** A correlation's timespan is not a positive finite number of µs. */
  BAD_TIMESPAN: 'NJ_TIMESPAN_INVALID',
  /** A correlation references an id that is neither a loaded rule nor a loaded correlation. */
  UNKNOWN_REFERENCE: 'NJ_CORR_UNKNOWN_RULE',
  /** Correlations reference each other in a cycle. */
  CYCLE: 'NJ_CORR_CYCLE',
  /** A value_* correlation without `valueField`. */
  VALUE_FIELD: 'NJ_CORR_FIELD',
  /** A value_percentile correlation whose percentile is not within 0–100. */
  PERCENTILE: 'NJ_CORR_CONDITION',
} as const satisfies Record<string, CoreErrorCode>;

/** A correlation the engine refuses to run (thrown by `new Engine`); `ruleId` names it. */
export class CorrelationConfigError extends NightjarError {
  readonly ruleId: string;
  constructor(code: string, ruleId: string, message: string) {
    super(code, message);
    this.ruleId = ruleId;
  }
}
