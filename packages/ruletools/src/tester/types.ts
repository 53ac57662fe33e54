import type { LoadResult } from '@nightjar/rules';

/** What the tester runs: the loader's lenient result (`loadRuleFiles`, `parseRuleText`) as it is. */
export type LoadedRules = LoadResult;

export type Expectation =
  | { readonly kind: 'match'; readonly match: boolean; readonly group?: Readonly<Record<string, unknown>> }
  | { readonly kind: 'alerts'; readonly alerts: number; readonly group?: Readonly<Record<string, unknown>> };

export interface TestCaseSpec {
  readonly name: string;
  readonly expect: Expectation;
  readonly events?: readonly unknown[];
  /** As written (relative to the rule file). */
  readonly fixture?: string;
  /** Index in the `tests:` list. */
  readonly index: number;
}

export type CaseStatus = 'pass' | 'fail' | 'error';

export interface CaseResult {
  readonly name: string;
  readonly status: CaseStatus;
  /** One line: what was expected and what happened. */
  readonly message?: string;
  /** Why, line by line (which selection/condition was false for which event, which step never happened). */
  readonly explanation?: readonly string[];
  readonly alerts: number;
  readonly events: number;
  readonly durationMs: number;
  readonly location?: { file: string; line: number; col: number };
  readonly fixture?: string;
}

export interface RuleResult {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly line: number;
  readonly kind: 'detection' | 'correlation';
  /** Set when the rule did not load; then cases is empty and the rule counts as an error. */
  readonly loadError?: string;
  readonly cases: readonly CaseResult[];
}

export interface CoverageReport {
  /** Rules (and correlations) that declare no tests. */
  readonly untested: readonly { id: string; title: string; file: string; line: number }[];
  /** Selections no passing case exercised (positive selections: a positive case; filters: a negative case). */
  readonly unexercised: readonly { id: string; title: string; file: string; selection: string }[];
  readonly rules: number;
  readonly tested: number;
}

export interface TestReport {
  readonly rules: readonly RuleResult[];
  readonly summary: {
    readonly rules: number;
    readonly cases: number;
    readonly passed: number;
    readonly failed: number;
    readonly errors: number;
    readonly rulesWithoutTests: number;
    readonly durationMs: number;
  };
  readonly coverage?: CoverageReport;
}
