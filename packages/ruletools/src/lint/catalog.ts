/**
 * The linter's one code space. Every lint check has a stable id (never renamed; SARIF, configs and
 * the JSON output refer to it), a default severity and a one-line description; every code the rule
 * loader can report maps onto exactly one check (LOADER_CHECKS, checked complete by the compiler),
 * so a finding is always one check whether the linter or the loader found it.
 * packages/cli/docs/lint.md documents each check with a bad and a good example and the loader codes
 * it covers; test/lint/bad-rules/<id without nj/>.yml seeds each one.
 */
import type { RuleDiagnosticCode } from '@nightjar/rules';

export type Severity = 'error' | 'warning' | 'info';

export interface CheckMeta<Id extends string = CheckId> {
  readonly id: Id;
  readonly severity: Severity;
  readonly description: string;
  /** The pySigma / SigmaHQ validator this check corresponds to, when there is one. */
  readonly pysigma?: string;
  /** `nightjar lint --fix` rewrites the rule file for this check (only where the rewrite keeps the rule's meaning). */
  readonly fixable?: boolean;
}

const c = <N extends string>(
  id: N,
  severity: Severity,
  description: string,
  pysigma?: string,
  fixable?: 'fixable',
): CheckMeta<`nj/${N}`> => ({
  id: `nj/${id}`,
  severity,
  description,
  ...(pysigma ? { pysigma } : {}),
  ...(fixable ? { fixable: true } : {}),
});

const ALL = [
  c('yaml-syntax', 'error', 'The file is not valid YAML (or uses duplicate keys, custom tags, too many aliases).'),
  c(
    'schema',
    'error',
    'The document does not follow the Sigma rule / correlation / filter schema (missing title, logsource, detection, bad level or status, wrong types).',
  ),
  c(
    'schema-format',
    'warning',
    'A value does not have the shape the Sigma JSON Schema asks for (a pattern, a length or a format), where no more specific check applies.',
  ),
  c(
    'misspelt-key',
    'warning',
    'A top-level key that looks like a misspelt standard key (falsepositive, reference, tag …) and is therefore ignored.',
    'custom_attributes',
  ),
  c(
    'missing-id',
    'warning',
    'The rule has no id; alerts, configs and correlations cannot refer to it stably.',
    'identifier_existence',
  ),
  c('invalid-id', 'warning', 'The id is not a UUID (SigmaHQ and pySigma expect a UUIDv4).'),
  c('duplicate-id', 'error', 'Two documents share an id (or a correlation name).', 'identifier_uniqueness'),
  c('duplicate-title', 'warning', 'Two rules share a title, so alerts cannot be told apart.', 'duplicate_title'),
  c(
    'missing-metadata',
    'info',
    'Recommended metadata is missing (description, author, date, level, status).',
    'sigmahq_*_existence',
  ),
  c(
    'date-format',
    'warning',
    'date / modified is not YYYY-MM-DD, or modified is before date.',
    'sigmahq_modified_date_order',
  ),
  c('duplicate-references', 'info', 'The same reference is listed twice.', 'duplicate_references'),
  c(
    'tag-format',
    'warning',
    'A tag does not match namespace.value in lower case, or a known namespace (car, cve, tlp, detection, stp) has a malformed value.',
    'tag_format',
  ),
  c(
    'attack-tag',
    'warning',
    'An attack.* tag is not shaped like an ATT&CK id (t1234, t1234.001, g0001, s0001, m1001, ds0001, a0001, c0001) or a tactic slug (lower-case words joined by hyphens). The tactic list is not hard-coded.',
    'attacktag',
  ),
  c('duplicate-tag', 'warning', 'The same tag is listed twice.', 'duplicate_tag'),
  c(
    'condition-syntax',
    'error',
    "The condition does not parse (upper-case AND/OR/NOT, '2 of', the deprecated '|' aggregation, unbalanced parentheses).",
  ),
  c(
    'dangling-condition',
    'error',
    'The condition names a search identifier that the detection does not define.',
    'dangling_condition',
  ),
  c(
    'empty-of-pattern',
    'warning',
    "A '1 of x*' / 'all of x*' pattern matches no search identifier, so pySigma silently drops it.",
  ),
  c('dangling-detection', 'warning', 'A search identifier that the condition never uses.', 'dangling_detection'),
  c(
    'all-of-them',
    'info',
    "'all of them' is discouraged (it silently changes meaning when a selection is added).",
    'all_of_them_condition',
  ),
  c(
    'unreachable-condition',
    'error',
    'The condition can never be true (e.g. `sel and not sel`, or every branch needs a selection that cannot match).',
  ),
  c(
    'always-true-condition',
    'warning',
    "The condition is true for every event of the rule's types (e.g. `sel or not sel`, or a selection of only '*').",
  ),
  c(
    'negation-only-condition',
    'warning',
    'The condition has no positive term (`not filter`): it matches nearly every event of its types.',
  ),
  c('unknown-modifier', 'error', 'A value modifier Sigma does not define (or a misspelling such as `contain`).'),
  c(
    'all-modifier',
    'error',
    '`|all` on plain equality with several different values can never match (a field cannot equal two values); `windash|all` likewise.',
    'invalid_modifier_combinations',
  ),
  c(
    'all-single-value',
    'warning',
    '`|all` with a single value does nothing (the spec forbids it).',
    'sigmahq_invalid_all_modifier',
  ),
  c(
    'modifier-combination',
    'warning',
    'Modifiers that do not combine (every rule the compiler applies, all reported at once): a repeated modifier, exists with other modifiers, re/cidr not first, a regex flag without re, two comparisons or time parts; and base64offset without contains.',
    'invalid_modifier_combinations',
  ),
  c('null-in-list', 'warning', 'null inside a value list (the spec wants a separate, negated selection).'),
  c('double-wildcard', 'info', "A value with '**' (same as '*', usually a typo).", 'double_wildcard'),
  c(
    'wildcard-instead-of-modifier',
    'info',
    "A value written '*x*', 'x*' or '*x' where contains/startswith/endswith says it clearly.",
    'wildcards_instead_of_modifiers',
  ),
  c(
    'control-character',
    'warning',
    'A value contains a control character, usually from a single backslash in a double-quoted YAML string ("C:\\temp" → tab).',
    'control_character',
  ),
  c('regex-invalid', 'error', 'A |re value does not compile.'),
  c(
    'regex-unsupported',
    'error',
    'A |re value needs a backtracking feature (lookaround, backreference, atomic group, possessive quantifier); Nightjar runs regexes on a linear-time engine and rejects it.',
    'sigmahq_unsupported_regex_group_construct',
  ),
  c(
    'regex-backtracking',
    'warning',
    'A |re value has nested or overlapping quantifiers ((a+)+, (.*)*, (a|a)*) that backtrack catastrophically on backtracking engines (SIEM backends this rule may be converted to).',
  ),
  c(
    'unknown-field',
    'error',
    "A field that does not exist for the rule's event type (native ES paths) or is not mapped for its category (SigmaHQ taxonomy fields).",
  ),
  c('unknown-event-type', 'error', 'A native logsource category that is not an ES event name.'),
  c(
    'unsupported-logsource',
    'error',
    'A logsource Nightjar cannot serve: another product or service, or a taxonomy category with no ES equivalent.',
  ),
  c(
    'event-type-macos-version',
    'warning',
    'An event type that needs a newer macOS than the configured target (lint.target.macos; the check runs only when a target is set).',
  ),
  c(
    'too-many-event-types',
    'warning',
    'The rule can match any event type, or more than lint.limits.maxEventTypes (default 10): every event of those types pays for it.',
  ),
  c('correlation-unknown-rule', 'error', 'A correlation references a rule id or name that is not loaded.'),
  c(
    'correlation-min-rules',
    'error',
    'A temporal / temporal_ordered correlation with fewer than two rules.',
    'sigmahq_correlation_rules_minimum',
  ),
  c(
    'correlation-group-by-missing',
    'warning',
    'A correlation without group-by counts all events together (one actor cannot be told from another).',
    'sigmahq_correlation_group_by_existence',
  ),
  c(
    'group-by-pid',
    'warning',
    'group-by on a pid (pids are reused); group by process identity, entity_id ("<pid>:<pidversion>").',
  ),
  c(
    'timespan-format',
    'error',
    "A timespan that is not a positive <number><unit> (s, m, h, d, and pySigma's w, M, y); compound forms like 1h30m are not Sigma.",
  ),
  c(
    'timespan-long',
    'warning',
    'A correlation timespan above 5 minutes: state grows with the window and late evidence is rare on an endpoint.',
  ),
  c(
    'timespan-limit',
    'error',
    'A correlation timespan above the engine limit (lint.limits.maxTimespan, default 1h); the engine refuses it.',
  ),
  c(
    'missing-tests',
    'info',
    'The rule declares no tests: (nightjar test cannot show it fires or stays quiet). A rule referenced by a correlation that has tests is tested there and is not reported.',
  ),
  c(
    'tests-invalid',
    'error',
    'The tests: key is malformed (missing name or expect, unknown event type, bad time, missing fixture file, expect.group on a field the correlation does not group by).',
  ),
  c(
    'star-only-value',
    'warning',
    "A value that is only '*' matches any value, i.e. the field exists: say so with `field|exists: true`.",
    undefined,
    'fixable',
  ),
  c('empty-value-list', 'error', 'A field with an empty value list (`field: []`): the item can never match.'),
  c(
    'duplicate-value',
    'warning',
    'The same value twice in one value list (compared without case unless |cased): the second adds nothing.',
    'sigmahq_field_duplicate_value',
    'fixable',
  ),
  c(
    'escaped-wildcard',
    'info',
    "A value with an escaped wildcard (\\* or \\?): it matches a literal '*' or '?', which macOS paths and command lines rarely hold; drop the backslash if a wildcard was meant.",
    'escaped_wildcard',
  ),
  c(
    'one-of-single',
    'info',
    "'1 of them' or 'all of them' when the detection has a single search identifier: name it instead ('1 of filter_*' over one filter is SigmaHQ's idiom and is not reported).",
  ),
  c(
    'unknown-tag-namespace',
    'warning',
    'A tag whose namespace is not one Sigma defines (attack, car, cve, detection, stp, tlp).',
  ),
  c(
    'technique-without-tactic',
    'info',
    'An attack.tNNNN technique tag without any ATT&CK tactic tag (attack.execution, …): coverage tools cannot place it in the matrix.',
  ),
  c('related-id', 'warning', 'A related[].id that is not a UUID (it must name another rule by id).'),
  c(
    'filter-level-status',
    'warning',
    'A filter document with level or status: filters have neither (the keys are ignored).',
    undefined,
    'fixable',
  ),
  c(
    'title-style',
    'info',
    "A title against SigmaHQ's conventions: longer than 110 characters, ending with a period, starting with 'Detects', or starting in lower case.",
    'sigmahq_title_length, sigmahq_title_end, sigmahq_title_start, sigmahq_title_case',
    'fixable',
  ),
  c(
    'description-style',
    'info',
    "A description against SigmaHQ's conventions: shorter than 16 characters, or the same text as the title.",
    'sigmahq_description_length',
  ),
  c(
    'link-style',
    'info',
    'A reference link that will rot or is malformed: a GitHub blob/master (or main) link instead of a permalink to a commit, a MITRE ATT&CK link over http, or one naming a technique the rule does not tag.',
    undefined,
    'fixable',
  ),
  c(
    'modified-equals-date',
    'info',
    'modified is the same day as date: a rule that has not been modified has no modified key.',
    undefined,
    'fixable',
  ),
  c(
    'object-field',
    'error',
    'An Endpoint Security field that holds an object (a process, a file, an audit token) compared with a scalar: it never matches (e.g. `process.executable: /usr/bin/curl` wants `process.executable.path`).',
  ),
  c(
    'field-type',
    'warning',
    "A value the field's Endpoint Security type cannot hold: text for a number (`process.ppid: launchd`), anything but true/false for a boolean, a boolean for a text field, a numeric comparison on text. It never matches.",
  ),
  c(
    'generate-silenced',
    'info',
    "A rule referenced by a correlation that does not set generate: its own alerts stop (Sigma's default); the finding names the correlation. Set generate: true on the correlation to keep them, or generate: false to say it is intended.",
  ),
  c('internal', 'error', 'The linter itself failed on this document (please report it).'),
] as const;

/** A lint check id, e.g. `nj/unknown-modifier`: the typed union of every check. */
export type CheckId = (typeof ALL)[number]['id'];

export const CHECKS: readonly CheckMeta[] = ALL;

export const CHECKS_BY_ID: ReadonlyMap<string, CheckMeta> = new Map(CHECKS.map((m) => [m.id, m]));

export function isCheckId(id: string): id is CheckId {
  return CHECKS_BY_ID.has(id);
}

/**
 * The check under which each loader diagnostic is reported. A Record over the rules package's code
 * union, so a code the loader gains without a check here does not compile.
 */
export const LOADER_CHECKS: Readonly<Record<RuleDiagnosticCode, CheckId>> = {
  NJ_PATH_NOT_FOUND: 'nj/schema',
  NJ_FILE_READ: 'nj/yaml-syntax',
  NJ_FILE_TOO_LARGE: 'nj/yaml-syntax',
  NJ_EMPTY_FILE: 'nj/yaml-syntax',
  NJ_NOT_MAPPING: 'nj/schema',
  NJ_YAML_SYNTAX: 'nj/yaml-syntax',
  NJ_YAML_DUPLICATE_KEY: 'nj/yaml-syntax',
  NJ_YAML_TAG: 'nj/yaml-syntax',
  NJ_YAML_ALIAS_LIMIT: 'nj/yaml-syntax',
  NJ_YAML_TOO_DEEP: 'nj/yaml-syntax',
  NJ_YAML_TOO_MANY_DOCS: 'nj/schema',
  NJ_YAML_WARNING: 'nj/yaml-syntax',
  NJ_SCHEMA_INVALID: 'nj/schema',
  NJ_SCHEMA_MISSING: 'nj/schema',
  NJ_SCHEMA_UNKNOWN_KEY: 'nj/schema',
  NJ_SCHEMA_FORMAT: 'nj/schema-format',
  NJ_UNSUPPORTED_ACTION: 'nj/schema',
  NJ_DETECTION_SYNTAX: 'nj/condition-syntax',
  NJ_EMPTY_SELECTION: 'nj/schema',
  NJ_UNKNOWN_MODIFIER: 'nj/unknown-modifier',
  NJ_MODIFIER_COMBINATION: 'nj/modifier-combination',
  NJ_MODIFIER_VALUE: 'nj/schema',
  NJ_UNKNOWN_PLACEHOLDER: 'nj/schema',
  NJ_BAD_REGEX: 'nj/regex-invalid',
  NJ_REGEX_UNSUPPORTED: 'nj/regex-unsupported',
  NJ_CONDITION_SYNTAX: 'nj/condition-syntax',
  NJ_CONDITION_AGGREGATION: 'nj/condition-syntax',
  NJ_UNKNOWN_SELECTION: 'nj/dangling-condition',
  NJ_UNMAPPED_FIELD: 'nj/unknown-field',
  NJ_UNSUPPORTED_LOGSOURCE: 'nj/unsupported-logsource',
  NJ_UNKNOWN_EVENT_TYPE: 'nj/unknown-event-type',
  NJ_UNKNOWN_FIELD_MAPPING: 'nj/schema',
  NJ_FIELD_PATH: 'nj/unknown-field',
  NJ_CORR_RULES: 'nj/correlation-min-rules',
  NJ_CORR_UNKNOWN_RULE: 'nj/correlation-unknown-rule',
  NJ_CORR_BROKEN_REF: 'nj/correlation-unknown-rule',
  NJ_CORR_CYCLE: 'nj/schema',
  NJ_CORR_DEPTH: 'nj/schema',
  NJ_CORR_ALIAS: 'nj/schema',
  NJ_CORR_CONDITION: 'nj/schema',
  NJ_CORR_FIELD: 'nj/schema',
  NJ_CORR_GROUP_BY: 'nj/schema',
  NJ_TIMESPAN_INVALID: 'nj/timespan-format',
  NJ_TIMESPAN_LIMIT: 'nj/timespan-limit',
  NJ_DURATION_INVALID: 'nj/timespan-format',
  NJ_SCOPE_NOT_CORRELATION: 'nj/schema',
  NJ_FILTER_UNKNOWN_RULE: 'nj/correlation-unknown-rule',
  NJ_FILTER_CORRELATION: 'nj/correlation-unknown-rule',
  NJ_DUPLICATE_ID: 'nj/duplicate-id',
  NJ_DUPLICATE_NAME: 'nj/duplicate-id',
  NJ_INTERNAL: 'nj/internal',
};
