/**
 * Sigma detection semantics (spec v2.1 as pySigma 1.5 implements it): a rule's `detection` and
 * `logsource` compiled once into a plain predicate over ES events.
 *
 * Errors are `RuleError(code, message, path)`; `path` is the YAML key path (e.g.
 * ['detection', 'sel', 'Image|re']) that the loader turns into file:line:col. Stable codes:
 *
 * | code                      | when                                                                                   |
 * |---------------------------|----------------------------------------------------------------------------------------|
 * | NJ_DETECTION_SYNTAX       | `detection` is not a map; a value is a map/nested list; a keyword is not a scalar      |
 * | NJ_EMPTY_SELECTION        | a search identifier is `{}`, `[]` or null                                              |
 * | NJ_UNKNOWN_MODIFIER       | `field|foo` with a modifier Sigma v2.1 does not define                                  |
 * | NJ_MODIFIER_COMBINATION   | modifiers that cannot be chained (`re` not first, `exists` with others, `i` without `re`, repeats…) |
 * | NJ_MODIFIER_VALUE         | a value a modifier cannot take (`gt: '10'`, `cidr: foo`, `base64` with wildcards, …)   |
 * | NJ_UNKNOWN_PLACEHOLDER    | `expand` on a `%name%` with no value in the `placeholders` option                      |
 * | NJ_BAD_REGEX              | a `re` pattern that does not parse                                                      |
 * | NJ_REGEX_UNSUPPORTED      | a `re` pattern needing backtracking (backreference, lookaround, atomic, possessive)    |
 * | NJ_CONDITION_SYNTAX       | the condition does not parse (upper-case operators, `2 of`, unbalanced parentheses, …), is missing, or prunes to nothing |
 * | NJ_CONDITION_AGGREGATION  | the deprecated `| count() …` aggregation syntax (use a correlation rule)                |
 * | NJ_UNKNOWN_SELECTION      | the condition names an identifier that `detection` does not define                    |
 * | NJ_UNMAPPED_FIELD         | a taxonomy field the `sigmahq-macos` mapping does not define for the rule's category   |
 * | NJ_UNSUPPORTED_LOGSOURCE  | another product/service, a category without an ES equivalent, or a taxonomy rule with no field mapping |
 * | NJ_UNKNOWN_EVENT_TYPE     | a native ES rule (`service: endpointsecurity`) whose category is not an ES event name  |
 * | NJ_UNKNOWN_FIELD_MAPPING  | `fieldMapping` is not a known mapping name                                              |
 * | NJ_FIELD_PATH             | a native ES path core cannot compile (empty segment `a..b`, a JSONPath `$` script)     |
 *
 * Semantics chosen where Sigma leaves it to the backend (each has a test in test/detection):
 * - Strings compare case-insensitively (`cased` opts out); regexes are case-sensitive unless `i` or an
 *   inline `(?i)`; `re` is a search (unanchored), `startswith`/`endswith` after `re` anchor it.
 * - Numbers in rules match a field's numeric or decimal-string form; booleans match true/"true".
 * - A list-valued field (e.g. `event.exec.args`) matches when any element matches; with `|all`, each
 *   value must be matched by some element.
 * - `null` (and `field: []`) match an absent field, a JSON null, or a list with no non-null element.
 *   `exists: true` is "the getter found something" (a JSON null counts as present).
 * - `neq` negates the whole item (pySigma), so an event without the field matches.
 * - Keywords search every string in the eslogger object plus the exec command line (keywords.ts).
 * - Time parts (`minute`…`year`) read RFC 3339 strings or µs numbers in UTC; `week` is the ISO week.
 * - `utf16le` is accepted as a synonym of `wide` (pySigma knows only `wide`; Hayabusa and sigma-rust
 *   accept both). Encoded values (base64…) compare case-insensitively like any string unless `cased`.
 * - `re` takes only its flags and contains/startswith/endswith/all/neq after it; `cased` does not
 *   apply to regexes (use the pattern's own case or `i`).
 * - The legacy `timeframe` key inside `detection` is ignored (not a search identifier), like pySigma.
 * - Wildcard values compile to ===, startsWith/endsWith/includes, or a segment scan (one leftmost
 *   search per `*`-separated segment; segments with `?` by a one-pass bit-parallel scan) — once, at
 *   load time; nothing is compiled per event. `x of` patterns use the same matcher.
 */
import type { FieldGetter } from '@nightjar/core';
import { resolveField, type FieldMappingInput } from '../mapping/index.js';
import { compileDetection } from './compile.js';

export { compileDetection };
export { logsourceEventTypes } from '../mapping/index.js';
export { KNOWN_MODIFIERS, modifierCombinationProblems } from './item.js';
export {
  ConditionSyntaxError,
  expandPattern,
  globMatch,
  parseCondition,
  parseConditionSyntax,
  resolveCondition,
} from './condition.js';
export type { ConditionAst } from './condition.js';
export { compileRegex, findBacktrackingConstruct } from './regex.js';
export type {
  CompiledDetection,
  CompiledField,
  ConditionNode,
  DetectionInfo,
  DetectionInput,
  FieldUse,
  ItemInfo,
  KeywordInfo,
  RegexInfo,
  SelectionInfo,
} from './types.js';

/** Every stable error code detection and mapping throw (see the table above); defined with the rest of the codes. */
export { DETECTION_ERROR_CODES } from '../errors.js';

/**
 * Compile one field name as a rule with this logsource would read it (for correlations' group-by and
 * value fields, alert enrichment, …). Throws RuleError(NJ_UNMAPPED_FIELD | NJ_UNSUPPORTED_LOGSOURCE).
 */
export function compileFieldForRule(
  field: string,
  logsource: Record<string, unknown>,
  fieldMapping: FieldMappingInput,
): { get: FieldGetter; usesLineage: boolean } {
  const r = resolveField(field, logsource, fieldMapping);
  return { get: r.get, usesLineage: r.usesLineage };
}
