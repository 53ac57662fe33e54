import type { CompiledCorrelation, CompiledRule } from '../ruleset/types.js';
import { CORRELATION_ERROR_CODES, CorrelationConfigError } from './errors.js';

/**
 * What the engine needs of a ruleset's correlations before it runs them. Authoring mistakes are
 * reported by `@nightjar/rules` when it compiles a file, with `file:line:col` and the same codes; this
 * re-check exists only because a `CompiledRuleSet` can also be built or altered by hand, and a bad
 * timespan or a dangling reference would then make windows or the dependency walk misbehave instead
 * of failing. The timespan limit is the engine's own resource policy (`correlation.maxTimespanUs`).
 */
export function checkCorrelationContract(
  correlations: readonly CompiledCorrelation[],
  ruleIds: ReadonlyMap<string, readonly CompiledRule[]>,
  corrById: ReadonlyMap<string, CompiledCorrelation>,
  maxTimespanUs: number,
): void {
  for (const c of correlations) {
    const where = `correlation ${c.id} (${c.title}) at ${c.source.file}:${c.source.line}:${c.source.col}`;
    if (!Number.isFinite(c.timespanUs) || c.timespanUs <= 0) {
      throw new CorrelationConfigError(
        CORRELATION_ERROR_CODES.BAD_TIMESPAN,
        c.id,
        `${where}: timespan must be a positive number of µs, got ${c.timespanUs}`,
      );
    }
    if (c.timespanUs > maxTimespanUs) {
      throw new CorrelationConfigError(
        CORRELATION_ERROR_CODES.TIMESPAN_LIMIT,
        c.id,
        `${where}: timespan ${c.timespanUs / 1e6} s is above the engine's limit of ${maxTimespanUs / 1e6} s (EngineOptions.correlation.maxTimespanUs)`,
      );
    }
    if (c.type.startsWith('value_') && c.valueField === undefined) {
      throw new CorrelationConfigError(
        CORRELATION_ERROR_CODES.VALUE_FIELD,
        c.id,
        `${where}: ${c.type} needs a value field`,
      );
    }
    if (
      c.type === 'value_percentile' &&
      !(typeof c.percentile === 'number' && c.percentile >= 0 && c.percentile <= 100)
    ) {
      throw new CorrelationConfigError(
        CORRELATION_ERROR_CODES.PERCENTILE,
        c.id,
        `${where}: percentile must be 0–100, got ${String(c.percentile)}`,
      );
    }
    for (const ref of c.rules) {
      if (!ruleIds.has(ref) && !corrById.has(ref)) {
        throw new CorrelationConfigError(
          CORRELATION_ERROR_CODES.UNKNOWN_REFERENCE,
          c.id,
          `${where}: references ${ref}, which is not a loaded rule or correlation`,
        );
      }
    }
  }
}

/** The error for a correlation reached again while the engine walks references (`path` leads to it). */
export function correlationCycleError(c: CompiledCorrelation, path: readonly string[]): CorrelationConfigError {
  return new CorrelationConfigError(
    CORRELATION_ERROR_CODES.CYCLE,
    c.id,
    `correlations reference each other in a cycle: ${[...path, c.id].join(' → ')}`,
  );
}
