import type { EvalContext, EventPredicate, FieldGetter, NightjarEvent, RulePrefilter } from '@nightjar/core';
import { EventDepthError } from '@nightjar/core';
import { RuleError } from '../errors.js';
import { logsourceEventTypes, resolveField, type FieldResolution } from '../mapping/index.js';
import { compileCondition, parseCondition, referencedNames } from './condition.js';
import { compileItem, parseKey, type ItemEnv } from './item.js';
import { keywordLeaves } from './keywords.js';
import type {
  CompiledDetection,
  ConditionNode,
  DetectionInput,
  FieldUse,
  ItemInfo,
  KeywordInfo,
  RegexInfo,
  SelectionInfo,
} from './types.js';

type Path = readonly (string | number)[];

interface SelectionOut {
  readonly match: EventPredicate;
  /** The selection's first evaluated item as a prefilter, when it has that form (see RulePrefilter). */
  first?: RulePrefilter;
  /**
   * Tests one of which must pass for the selection to match (null: none known): a map needs any one
   * of its literal-form items (the first such), a list of maps needs one of its maps' needs.
   */
  need?: RulePrefilter[] | null;
  readonly canMatch: boolean;
  readonly items: ItemInfo[];
  readonly fields: Set<string>;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

const andAll = (fs: EventPredicate[]): EventPredicate => {
  if (fs.length === 1) return fs[0]!;
  if (fs.length === 2) {
    const a = fs[0]!;
    const b = fs[1]!;
    return (ev, ctx) => a(ev, ctx) && b(ev, ctx);
  }
  return (ev, ctx) => {
    for (let i = 0; i < fs.length; i++) if (!fs[i]!(ev, ctx)) return false;
    return true;
  };
};
const orAny = (fs: EventPredicate[]): EventPredicate => {
  if (fs.length === 1) return fs[0]!;
  if (fs.length === 2) {
    const a = fs[0]!;
    const b = fs[1]!;
    return (ev, ctx) => a(ev, ctx) || b(ev, ctx);
  }
  return (ev, ctx) => {
    for (let i = 0; i < fs.length; i++) if (fs[i]!(ev, ctx)) return true;
    return false;
  };
};
const negate =
  (f: EventPredicate): EventPredicate =>
  (ev, ctx) =>
    !f(ev, ctx);
const NEVER: EventPredicate = () => false;

export function compileDetection(input: DetectionInput): CompiledDetection {
  const { detection, logsource, fieldMapping } = input;
  const eventTypes = logsourceEventTypes(logsource, fieldMapping);
  if (!isMap(detection))
    throw new RuleError('NJ_DETECTION_SYNTAX', 'detection must be a map of search identifiers plus a condition', [
      'detection',
    ]);
  if (!('condition' in detection))
    throw new RuleError('NJ_CONDITION_SYNTAX', "detection has no 'condition'", ['detection']);

  // Prefilters by a boolean (CompiledItem.prefilterWeak): used for a rule only when it has no other.
  const weakPrefilters = new WeakSet<RulePrefilter>();
  const isWeak = (p: RulePrefilter): boolean => weakPrefilters.has(p);
  const fieldCache = new Map<string, FieldResolution>();
  const fieldUses = new Map<string, FieldUse>();
  const regexes: RegexInfo[] = [];
  const keywords: KeywordInfo[] = [];

  const field = (name: string, path: Path): FieldResolution => {
    let r = fieldCache.get(name);
    if (r === undefined) {
      r = resolveField(name, logsource, fieldMapping, path);
      fieldCache.set(name, r);
      fieldUses.set(name, { name, resolved: r.resolved, eventTypes: r.eventTypes, usesLineage: r.usesLineage, path });
    }
    return r;
  };
  const env: ItemEnv = {
    placeholders: input.placeholders,
    fieldGetter: (name, path) => field(name, path).get,
    regexes,
  };

  const compileKeywords = (
    selName: string,
    modifiers: string[],
    values: unknown[],
    listed: boolean,
    path: Path,
    out: SelectionOut,
  ) => {
    // Keywords are search terms: a plain keyword is a substring search (see keywords.ts).
    const mods = modifiers.some(
      (m) => m === 'contains' || m === 'startswith' || m === 'endswith' || m === 're' || m === 'cidr',
    )
      ? modifiers
      : [...modifiers, 'contains'];
    for (const v of values) {
      if (!isScalar(v) || v === null)
        throw new RuleError('NJ_DETECTION_SYNTAX', 'a keyword must be a string or number', path);
    }
    const item = compileItem({ field: null, modifiers: mods, values, listed, path }, env);
    keywords.push({ selection: selName, values, all: modifiers.includes('all') });
    out.items.push({ field: null, modifiers, values, canMatch: item.canMatch, reason: item.reason, path });
    return (ev: NightjarEvent, ctx: EvalContext) => item.match(keywordLeaves(ev), ev, ctx);
  };

  const compileMap = (
    selName: string,
    map: Record<string, unknown>,
    path: Path,
    out: SelectionOut,
    top = false,
    need?: { p?: RulePrefilter },
  ): EventPredicate => {
    const keys = Object.keys(map);
    if (keys.length === 0) throw new RuleError('NJ_EMPTY_SELECTION', `selection '${selName}' is empty`, path);
    // Every item must hold, so they run cheapest first (the order is not observable): literal tests
    // (one compare per value), then other field tests, then regexes (a scan of the whole value: a
    // 600 KB path cost 12 ms in one regex where `endswith: .pth` beside it answers at once), then
    // keywords (every string of the message). Stable within each rank.
    const ranked: { rank: number; pred: EventPredicate; first?: RulePrefilter }[] = [];
    for (const key of keys) {
      const kpath = [...path, key];
      const { field: name, modifiers } = parseKey(key, kpath);
      const raw = map[key];
      const listed = Array.isArray(raw);
      const values = listed ? (raw as unknown[]) : [raw];
      if (name === '') {
        ranked.push({ rank: 3, pred: compileKeywords(selName, modifiers, values, listed, kpath, out) });
        continue;
      }
      if (isMap(raw))
        throw new RuleError(
          'NJ_DETECTION_SYNTAX',
          `the value of '${key}' must be a value or a list of values, not a map`,
          kpath,
        );
      const fr = field(name, kpath);
      out.fields.add(name);
      const item = compileItem({ field: name, modifiers, values, listed, path: kpath }, env);
      out.items.push({ field: name, modifiers, values, canMatch: item.canMatch, reason: item.reason, path: kpath });
      const get: FieldGetter = fr.get;
      const m = item.match;
      const pf: RulePrefilter | undefined = item.prefilter !== undefined ? { get, tests: item.prefilter } : undefined;
      if (pf !== undefined && item.prefilterWeak === true) weakPrefilters.add(pf);
      // Every item of a map is necessary to it: the first of literal form stands for the map, a
      // string literal before a boolean.
      if (need !== undefined && pf !== undefined && (need.p === undefined || (isWeak(need.p) && !isWeak(pf))))
        need.p = pf;
      // A regex keeps its rank with a prefilter (its literals only say a match is possible); a
      // boolean goes after string literals, so that a map's first item is its best prefilter.
      const rank = modifiers.includes('re') ? 2 : pf === undefined ? 1 : isWeak(pf) ? 0.5 : 0;
      const pred: EventPredicate = fr.usesLineage
        ? (ev, ctx) => {
            try {
              return m(get(ev, ctx), ev, ctx);
            } catch (err) {
              // The too-deep value is an ancestor's (recorded from an earlier event): only this rule
              // cannot read it, the event's other rules still run.
              if (err instanceof EventDepthError && err.via === undefined) throw new EventDepthError(name);
              throw err;
            }
          }
        : (ev, ctx) => m(get(ev, ctx), ev, ctx);
      ranked.push({ rank, pred, ...(pf !== undefined ? { first: pf } : {}) });
    }
    ranked.sort((a, b) => a.rank - b.rank);
    // andAll evaluates the first item first: when it fails the selection fails, nothing else runs.
    if (top && ranked[0]?.first !== undefined) out.first = ranked[0].first;
    return andAll(ranked.map((r) => r.pred));
  };

  const compileSelection = (name: string, def: unknown): SelectionOut => {
    const path: Path = ['detection', name];
    const out: SelectionOut = { match: NEVER, canMatch: true, items: [], fields: new Set() };
    const perElement: number[] = [];
    let match: EventPredicate;
    if (isMap(def)) {
      const need: { p?: RulePrefilter } = {};
      match = compileMap(name, def, path, out, true, need);
      out.need = need.p !== undefined ? [need.p] : null;
    } else if (Array.isArray(def)) {
      out.need = null;
      if (def.length === 0) throw new RuleError('NJ_EMPTY_SELECTION', `selection '${name}' is an empty list`, path);
      if (def.every(isScalar)) {
        match = compileKeywords(name, [], def, true, path, out);
      } else {
        const needs: RulePrefilter[] = [];
        let needKnown = true;
        const alts: EventPredicate[] = def.map((el, i) => {
          const before = out.items.length;
          let p: EventPredicate;
          const need: { p?: RulePrefilter } = {};
          if (isMap(el)) p = compileMap(name, el, [...path, i], out, false, need);
          else if (isScalar(el)) p = compileKeywords(name, [], [el], false, [...path, i], out);
          else
            throw new RuleError('NJ_DETECTION_SYNTAX', `selection '${name}' element ${i} must be a map or a value`, [
              ...path,
              i,
            ]);
          perElement.push(out.items.length - before);
          if (need.p !== undefined) needs.push(need.p);
          else needKnown = false;
          return p;
        });
        match = orAny(alts);
        out.need = needKnown ? needs : null;
      }
    } else if (typeof def === 'string' || typeof def === 'number') {
      match = compileKeywords(name, [], [def], false, path, out);
    } else {
      throw new RuleError('NJ_EMPTY_SELECTION', `selection '${name}' must be a map or a list`, path);
    }
    // A map ANDs its items (any unsatisfiable one kills it); a list ORs (all must be unsatisfiable).
    // A map ANDs its items (one unsatisfiable item kills it); a list of maps ORs them (one
    // satisfiable map is enough). Items are recorded in order, so slice them per element.
    let canMatch: boolean;
    if (Array.isArray(def) && !def.every(isScalar)) {
      canMatch = false;
      let at = 0;
      for (const n of perElement) {
        if (out.items.slice(at, at + n).every((i) => i.canMatch)) canMatch = true;
        at += n;
      }
    } else canMatch = out.items.every((i) => i.canMatch);
    return { ...out, match, canMatch };
  };

  // `timeframe` is Sigma 1.0's aggregation window, not a search identifier (pySigma skips it too).
  const names = Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');
  const selections = new Map<string, SelectionOut>();
  for (const name of names) selections.set(name, compileSelection(name, detection[name]));

  // Conditions: a list of strings is ORed (each is a separate query in Sigma).
  const rawCond = detection.condition;
  const condList: { src: string; path: Path }[] = [];
  if (typeof rawCond === 'string') condList.push({ src: rawCond, path: ['detection', 'condition'] });
  else if (Array.isArray(rawCond) && rawCond.length > 0 && rawCond.every((c) => typeof c === 'string')) {
    rawCond.forEach((c, i) => condList.push({ src: c, path: ['detection', 'condition', i] }));
  } else
    throw new RuleError('NJ_CONDITION_SYNTAX', 'condition must be a string or a non-empty list of strings', [
      'detection',
      'condition',
    ]);

  const conditions: (ConditionNode | null)[] = [];
  const prunedSelectors: string[] = [];
  for (const c of condList) {
    const { node, pruned } = parseCondition(c.src, names, c.path);
    conditions.push(node);
    prunedSelectors.push(...pruned);
  }
  const kept = conditions.filter((n): n is ConditionNode => n !== null);
  if (kept.length === 0) {
    throw new RuleError(
      'NJ_CONDITION_SYNTAX',
      `condition selects no search identifier after pruning (${prunedSelectors.join(', ')} matched nothing)`,
      ['detection', 'condition'],
    );
  }
  const condition: ConditionNode = kept.length === 1 ? kept[0]! : { type: 'or', args: kept };
  const referenced = referencedNames(condition);
  const match = compileCondition<EventPredicate>(condition, (n) => selections.get(n)!.match, andAll, orAny, negate);
  // The first test the condition evaluates, when it is a selection's first item of literal form.
  const firstSelection = (node: ConditionNode): string | undefined => {
    switch (node.type) {
      case 'ref':
        return node.name;
      case 'of':
        return node.matches.length === 1 || (node.quantifier === 'all' && node.matches.length > 0)
          ? node.matches[0]
          : undefined;
      case 'and':
        return node.args.length > 0 ? firstSelection(node.args[0]!) : undefined;
      default:
        return undefined;
    }
  };
  const firstName = firstSelection(condition);
  const first = firstName !== undefined ? selections.get(firstName)?.first : undefined;
  // Otherwise: what the condition needs, as alternatives (an OR needs one of its branches' needs, an
  // AND any one of its terms'; NOT and keyword selections need nothing known).
  type Need = RulePrefilter[] | null;
  // All of several terms: any one term's need will do. One of several: every term needs one.
  const strong = (n: Need): boolean => n !== null && !n.some(isWeak);
  const anyTerm = (needs: readonly Need[]): Need => needs.find(strong) ?? needs.find((n) => n !== null) ?? null;
  const everyTerm = (needs: readonly Need[]): Need =>
    needs.every((n) => n !== null) ? (needs as RulePrefilter[][]).flat() : null;
  const selectionNeed = (name: string): Need => selections.get(name)?.need ?? null;
  const needOf = (node: ConditionNode, depth: number): Need => {
    if (depth > 32) return null;
    switch (node.type) {
      case 'ref':
        return selectionNeed(node.name);
      case 'of':
        return node.quantifier === 'all'
          ? anyTerm(node.matches.map(selectionNeed))
          : everyTerm(node.matches.map(selectionNeed));
      case 'and':
        return anyTerm(node.args.map((a) => needOf(a, depth + 1)));
      case 'or':
        return everyTerm(node.args.map((a) => needOf(a, depth + 1)));
      default:
        return null;
    }
  };
  const anyNeed = first === undefined || isWeak(first) ? needOf(condition, 0) : null;
  // Too many alternatives cost more to index than the rule costs to run.
  const any = anyNeed !== null && anyNeed.length > 0 && anyNeed.length <= 16 ? anyNeed : undefined;
  // The best one: string literals (the first test, else alternatives), then a boolean.
  let prefilter: RulePrefilter | undefined;
  let prefilterAny: RulePrefilter[] | undefined;
  if (first !== undefined && !isWeak(first)) prefilter = first;
  else if (any !== undefined && strong(any)) prefilterAny = any;
  else if (first !== undefined) prefilter = first;
  else prefilterAny = any;

  const selInfo: SelectionInfo[] = names.map((n) => {
    const s = selections.get(n)!;
    return { name: n, canMatch: s.canMatch, items: s.items, referenced: referenced.has(n) };
  });
  let usesLineage = false;
  for (const n of referenced)
    for (const f of selections.get(n)!.fields) if (fieldCache.get(f)!.usesLineage) usesLineage = true;
  // fieldref targets count too.
  for (const s of referenced)
    for (const it of selections.get(s)!.items) {
      if (it.modifiers.includes('fieldref'))
        for (const v of it.values) if (typeof v === 'string' && fieldCache.get(v)?.usesLineage) usesLineage = true;
    }

  return {
    match,
    ...(prefilter !== undefined ? { prefilter } : {}),
    ...(prefilterAny !== undefined ? { prefilterAny } : {}),
    eventTypes,
    usesLineage,
    info: {
      fields: [...fieldUses.values()],
      selections: selInfo,
      conditions,
      condition,
      regexes,
      keywords,
      prunedSelectors,
    },
  };
}
