/**
 * One file on purpose (~420 lines): every check of a detection document, over one walk of its selections.
 *
 * Checks of a detection rule's logsource, selections (modifiers, values, fields, regexes) and
 * condition. They read the document's data, not the compiled rule, so a rule that does not compile
 * is still checked as far as it can be; the condition is parsed by the rules package's parser.
 */
import { eventTypeByName } from '@nightjar/core';
import {
  ConditionSyntaxError,
  type ConditionAst,
  KNOWN_MODIFIERS,
  type RuleDocument,
  expandPattern,
  modifierCombinationProblems,
  parseConditionSyntax,
} from '@nightjar/rules';
import { hasPositiveTerm, referencedIds, satisfiability } from '../../condition-analysis.js';
import { compareVersions } from '../config.js';
import { clip, isObj, type Path, str, valuesOf } from '../data.js';
import { checkNativePath } from '../fields.js';
import type { Reporter } from '../findings.js';
import { regexProblems } from '../regex.js';
import { lintValues } from './values.js';

const MODIFIERS = new Set<string>(KNOWN_MODIFIERS);
const SUGGEST: Record<string, string> = {
  contain: 'contains',
  startwith: 'startswith',
  endwith: 'endswith',
  regex: 're',
  base64offsets: 'base64offset',
  exist: 'exists',
  case: 'cased',
  lower: 'cased',
  gtequal: 'gte',
  ltequal: 'lte',
};
const MATCH_SHAPE = new Set([
  'contains',
  'startswith',
  'endswith',
  're',
  'cidr',
  'lt',
  'lte',
  'gt',
  'gte',
  'fieldref',
  'base64offset',
  'exists',
  'neq',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);

/** Splits `field|mod1|mod2` (keywords have no field). */
function splitKey(key: string): { field: string; mods: string[] } {
  const [field = '', ...mods] = key.split('|');
  return { field, mods };
}

interface SelInfo {
  name: string;
  /** Can never match (an |all equality contradiction). */
  never: boolean;
  /** Matches every event of its types (only '*' values, no modifiers). */
  always: boolean;
}

function lintItems(
  c: Reporter,
  doc: RuleDocument,
  at: SearchBlock,
  selName: string,
  sel: unknown,
  types: readonly string[] | null,
  nativeRule: boolean,
): SelInfo {
  const info: SelInfo = { name: selName, never: false, always: false };
  const base: Path = [at, selName];
  const maps: { m: Record<string, unknown>; path: Path }[] = [];
  if (isObj(sel)) maps.push({ m: sel, path: base });
  else if (Array.isArray(sel)) sel.forEach((x, i) => isObj(x) && maps.push({ m: x, path: [...base, i] }));
  if (isObj(sel) && Object.keys(sel).length === 0) c.report(doc, 'nj/schema', `selection '${selName}' is empty`, base);
  let allStar = maps.length > 0;
  for (const { m, path } of maps) {
    for (const [key, raw] of Object.entries(m)) {
      const p = [...path, key];
      const { field, mods } = splitKey(key);
      const vals = valuesOf(raw);
      lintValues(c, doc, { key, field, mods, raw, path: p });
      // Modifiers.
      for (const mod of mods) {
        if (!MODIFIERS.has(mod))
          c.report(
            doc,
            'nj/unknown-modifier',
            `unknown modifier '${mod}' in '${key}'${SUGGEST[mod] ? ` (did you mean '${SUGGEST[mod]}'?)` : ''}`,
            p,
          );
      }
      const seen = new Set(mods);
      // The compiler's own combination rules, every problem (the compiler stops at the first).
      for (const problem of modifierCombinationProblems(
        mods.filter((m) => MODIFIERS.has(m)),
        field,
      ))
        c.report(doc, 'nj/modifier-combination', `${problem} in '${key}'`, p);
      // Legal for the compiler, but the encoded value then has to be the whole field.
      if (seen.has('base64offset') && !seen.has('contains'))
        c.report(
          doc,
          'nj/modifier-combination',
          `'${key}': base64offset needs contains (the encoded value sits inside a longer string)`,
          p,
        );
      const distinct = new Set(vals.map((v) => (typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v))));
      if (seen.has('all')) {
        if (vals.length <= 1)
          c.report(doc, 'nj/all-single-value', `'${key}' uses |all with a single value; |all joins a list with AND`, p);
        else if (seen.has('windash')) {
          c.report(
            doc,
            'nj/all-modifier',
            `'${key}': windash with all can never match (every dash variant would have to be present at once)`,
            p,
          );
          info.never = true;
        } else if (
          ![...seen].some((x) => MATCH_SHAPE.has(x)) &&
          distinct.size > 1 &&
          !vals.some((v) => typeof v === 'string' && /(?<!\\)[*?]/.test(v))
        ) {
          c.report(
            doc,
            'nj/all-modifier',
            `'${key}': |all on plain equality with ${distinct.size} different values can never match (a field cannot equal all of them); use contains|all, or drop |all`,
            p,
          );
          info.never = true;
        }
      }
      // Values.
      if (Array.isArray(raw) && raw.length > 1 && raw.includes(null))
        c.report(
          doc,
          'nj/null-in-list',
          `'${key}' has null inside a list; write a separate selection '${field}: null' and combine it in the condition`,
          p,
        );
      const isRe = seen.has('re');
      vals.forEach((v, i) => {
        const vp = Array.isArray(raw) ? [...p, i] : p;
        if (typeof v !== 'string') return;
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\t]/.test(v) && !isRe)
          c.report(
            doc,
            'nj/control-character',
            `'${key}' value ${JSON.stringify(v)} contains a control character (a single backslash in a double-quoted YAML string? use single quotes)`,
            vp,
          );
        if (isRe) {
          for (const prob of regexProblems(v, mods)) c.report(doc, prob.check, `'${key}': ${prob.message}`, vp);
          return;
        }
        if (v.includes('**')) c.report(doc, 'nj/double-wildcard', `'${key}' value '${v}' has '**' (same as '*')`, vp);
        if (mods.length === 0 && v.length > 1) {
          const inner = v.slice(1, -1);
          const un = (s: string) => !/(?<!\\)[*?]/.test(s);
          if (v.startsWith('*') && v.endsWith('*') && v.length > 2 && un(inner))
            c.report(
              doc,
              'nj/wildcard-instead-of-modifier',
              `'${key}: ${v}' — write '${field}|contains: ${inner}'`,
              vp,
            );
          else if (v.endsWith('*') && !v.startsWith('*') && un(v.slice(0, -1)))
            c.report(
              doc,
              'nj/wildcard-instead-of-modifier',
              `'${key}: ${v}' — write '${field}|startswith: ${v.slice(0, -1)}'`,
              vp,
            );
          else if (v.startsWith('*') && !v.endsWith('*') && un(v.slice(1)))
            c.report(
              doc,
              'nj/wildcard-instead-of-modifier',
              `'${key}: ${v}' — write '${field}|endswith: ${v.slice(1)}'`,
              vp,
            );
        }
      });
      const star =
        !seen.has('re') &&
        !seen.has('neq') &&
        !seen.has('exists') &&
        !seen.has('cased') &&
        vals.length > 0 &&
        vals.some((v) => typeof v === 'string' && /^\*+$/.test(v));
      if (!star) allStar = false;
      // Fields. A taxonomy field the mapping in use defines (ECS's `process.command_line`) is no ES path.
      const mapped = !nativeRule && doc.detectionInfo?.fields.some((f) => f.name === field && f.resolved !== field);
      if (field !== '' && !mapped && (nativeRule || field.includes('.'))) {
        const why = checkNativePath(field, types);
        if (why) c.report(doc, 'nj/unknown-field', `field '${field}': ${why}`, p);
        else {
          const m = /^event\.([a-z0-9_]+)/.exec(field);
          if (m && !eventTypeByName(m[1]!))
            c.report(doc, 'nj/unknown-field', `field '${field}': '${m[1]}' is not an ES event name`, p);
        }
      }
    }
  }
  info.always = allStar && maps.length > 0;
  return info;
}

function conditionList(block: Record<string, unknown>, at: SearchBlock): { src: string; path: Path }[] {
  const c = block.condition;
  if (Array.isArray(c)) return c.map((s, i) => ({ src: s as string, path: [at, 'condition', i] }));
  return [{ src: c as string, path: [at, 'condition'] }];
}

/** The event types a document reads: the compiled rule's, else its native category's; null when any. */
export function docTypes(doc: RuleDocument, ls: Record<string, unknown>): readonly string[] | null {
  const compiled = doc.compiled;
  if (compiled && compiled.kind === 'detection') return compiled.eventTypes;
  // Fallback when the rule did not compile: the native category, else unknown (null).
  const cat = str(ls.category);
  if (str(ls.service) === 'endpointsecurity')
    return cat ? (eventTypeByName(cat) ? [eventTypeByName(cat)!.name] : []) : null;
  return null;
}

export function lintDetection(c: Reporter, doc: RuleDocument, data: Record<string, unknown>): void {
  const ls = isObj(data.logsource) ? data.logsource : undefined;
  const det = isObj(data.detection) ? data.detection : undefined;
  // A missing or malformed title, logsource, detection or condition is the loader's (its JSON Schema
  // reports nj/schema); without a detection and a condition there is nothing more to check here.
  if (!det || det.condition === undefined) return;
  const types = ls ? docTypes(doc, ls) : null;
  // An unknown category gives no types; field checks then judge paths without a type.
  const fieldTypes = types && types.length === 0 ? null : types;
  const native = ls !== undefined && str(ls.service) === 'endpointsecurity';
  if (ls) {
    const cat = str(ls.category);
    if (native && cat !== undefined && !eventTypeByName(cat))
      c.report(
        doc,
        'nj/unknown-event-type',
        `logsource category '${cat}' is not an Endpoint Security event name (eslogger spelling: exec, open, btm_launch_item_add, …)`,
        ['logsource', 'category'],
      );
    const product = str(ls.product);
    if (product !== undefined && product !== 'macos')
      c.report(
        doc,
        'nj/unsupported-logsource',
        `logsource product '${product}': Nightjar only reads macOS Endpoint Security events`,
        ['logsource', 'product'],
      );
    for (const t of c.cfg.targetMacos === undefined ? [] : (types ?? [])) {
      const info = eventTypeByName(t);
      if (info && compareVersions(info.macos, c.cfg.targetMacos!) > 0)
        c.report(
          doc,
          'nj/event-type-macos-version',
          `event type '${t}' needs macOS ${info.macos}; the configured target is macOS ${c.cfg.targetMacos}`,
          native && ls.category !== undefined ? ['logsource', 'category'] : ['logsource'],
        );
    }
    if (doc.compiled?.kind === 'detection' || native) {
      if (types === null)
        c.report(
          doc,
          'nj/too-many-event-types',
          'the rule can match every event type (no category): every event pays for it; give logsource.category',
          ['logsource'],
        );
      else if (types.length > c.cfg.maxEventTypes)
        c.report(
          doc,
          'nj/too-many-event-types',
          `the rule matches ${types.length} event types (limit ${c.cfg.maxEventTypes})`,
          ['logsource'],
        );
    }
  }
  lintSearches(c, doc, det, 'detection', fieldTypes, native, (src, path, ast, names, sels) => {
    if (!hasPositiveTerm(ast))
      c.report(
        doc,
        'nj/negation-only-condition',
        `condition "${clip(src)}" has no positive term: it matches every event of the rule's types except the excluded ones`,
        path,
      );
    const fixed = new Map<string, boolean>();
    for (const s of sels.values()) {
      if (s.never) fixed.set(s.name, false);
      else if (s.always) fixed.set(s.name, true);
    }
    const sat = satisfiability(ast, names, fixed);
    if (sat && !sat.canBeTrue)
      c.report(
        doc,
        'nj/unreachable-condition',
        `condition "${clip(src)}" can never be true${
          [...fixed].some(([, v]) => !v)
            ? ` (selection(s) ${[...fixed]
                .filter(([, v]) => !v)
                .map(([k]) => k)
                .join(', ')} can never match)`
            : ''
        }`,
        path,
      );
    else if (sat && !sat.canBeFalse)
      c.report(
        doc,
        'nj/always-true-condition',
        `condition "${clip(src)}" is true for every event of the rule's types${
          [...fixed].some(([, v]) => v)
            ? ` (selection(s) ${[...fixed]
                .filter(([, v]) => v)
                .map(([k]) => k)
                .join(', ')} match anything)`
            : ''
        }`,
        path,
      );
  });
}

/** Where search identifiers and their condition live: a rule's `detection`, a filter's `filter`. */
export type SearchBlock = 'detection' | 'filter';

/**
 * The search identifiers of a block (their items: modifiers, values, regexes, fields) and its
 * condition (syntax, names it uses, identifiers it does not). `analyse` gets each condition that
 * parses, for what depends on the block's meaning.
 */
export function lintSearches(
  c: Reporter,
  doc: RuleDocument,
  block: Record<string, unknown>,
  at: SearchBlock,
  fieldTypes: readonly string[] | null,
  native: boolean,
  analyse?: (
    src: string,
    path: Path,
    ast: ConditionAst,
    names: readonly string[],
    sels: ReadonlyMap<string, SelInfo>,
  ) => void,
  skip: readonly string[] = [],
): void {
  const names = Object.keys(block).filter((k) => k !== 'condition' && !skip.includes(k));
  const sels = new Map<string, SelInfo>();
  for (const n of names) sels.set(n, lintItems(c, doc, at, n, block[n], fieldTypes, native));
  const used = new Set<string>();
  let parsedAll = true;
  for (const { src, path } of conditionList(block, at)) {
    if (typeof src !== 'string') {
      c.report(doc, 'nj/schema', 'condition must be a string or a list of strings', path);
      continue;
    }
    let ast: ConditionAst;
    try {
      ast = parseConditionSyntax(src);
    } catch (err) {
      if (err instanceof ConditionSyntaxError) {
        parsedAll = false;
        c.report(
          doc,
          'nj/condition-syntax',
          `condition "${clip(src)}": ${err.reason} (at column ${err.start + 1})`,
          path,
        );
        continue;
      }
      throw err;
    }
    for (const ref of referencedIds(ast)) {
      if (ref.type === 'ref') {
        if (!names.includes(ref.name))
          c.report(
            doc,
            'nj/dangling-condition',
            `condition names '${ref.name}', which the ${at} does not define (defined: ${names.join(', ') || 'none'})`,
            path,
          );
        used.add(ref.name);
      } else {
        const m = expandPattern(ref.pattern, names);
        if (ref.pattern === 'them' && ref.quantifier === 'all')
          c.report(
            doc,
            'nj/all-of-them',
            "'all of them' is discouraged: name the selections ('all of selection_*')",
            path,
          );
        if (m.length === 0 && ref.pattern !== 'them')
          c.report(
            doc,
            'nj/empty-of-pattern',
            `'${ref.quantifier === 'all' ? 'all' : '1'} of ${ref.pattern}' matches no search identifier and is dropped`,
            path,
          );
        // Only over `them`: SigmaHQ writes `not 1 of filter_main_*` on purpose, so later filters join it.
        if (m.length === 1 && ref.pattern === 'them')
          c.report(
            doc,
            'nj/one-of-single',
            `'${ref.quantifier === 'all' ? 'all' : '1'} of ${ref.pattern}' stands for the one search identifier '${m[0]}': write '${m[0]}'`,
            path,
          );
        for (const x of m) used.add(x);
      }
    }
    analyse?.(src, path, ast, names, sels);
  }
  // Without a parsed condition, "unused" would only repeat the syntax error.
  if (parsedAll)
    for (const n of names)
      if (!used.has(n))
        c.report(doc, 'nj/dangling-detection', `search identifier '${n}' is not used by the condition`, [at, n]);
}
