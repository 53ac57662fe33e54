// One file on purpose (~580 lines): a detection item's value tests, modifiers and prefilter literal are compiled together, and the compiled closures are the per-event hot path.
import type { EvalContext, FieldGetter, NightjarEvent } from '@nightjar/core';
import { EventDepthError, MAX_EVENT_DEPTH } from '@nightjar/core';
import { RuleError } from '../errors.js';
import { compileRegex, quoteRegex, type RegexFlags } from './regex.js';
import { necessaryLiterals } from './regex-literals.js';
import {
  hasPlaceholders,
  hasWildcards,
  literal,
  mapLiterals,
  parseSigmaString,
  render,
  wrap,
  type SigmaStr,
} from './sigma-string.js';
import {
  TIME_PARTS,
  WINDASH_MAX_VARIANTS,
  base64,
  base64offset,
  cidrTest,
  parseCidr,
  timePart,
  utf16,
  windashCount,
  windashVariants,
  type TimePart,
} from './transforms.js';
import { classifyWildcard, compileWildcard, type StringTest } from './wildcard.js';
import type { PrefilterTest } from '@nightjar/core';
import type { RegexInfo } from './types.js';

/**
 * One detection item (`field|mod|mod: value(s)`) → a predicate over the field's raw value.
 * Modifiers apply left to right (sigma.md §1.5); everything is decided here, at load time.
 */

type Path = readonly (string | number)[];

/** Every modifier this compiler knows, as written in rules. */
export const KNOWN_MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'ignorecase',
  'm',
  'multiline',
  's',
  'dotall',
  'base64',
  'base64offset',
  'wide',
  'utf16le',
  'utf16be',
  'utf16',
  'cidr',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'expand',
  'fieldref',
] as const;
const KNOWN = new Set<string>(KNOWN_MODIFIERS);
const RE_FLAGS: Record<string, keyof RegexFlags> = {
  i: 'i',
  ignorecase: 'i',
  m: 'm',
  multiline: 'm',
  s: 's',
  dotall: 's',
};
const COMPARE = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME = new Set<string>(TIME_PARTS);
const WRAP = new Set(['contains', 'startswith', 'endswith']);
const ENCODE = new Set(['base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16', 'windash']);

/** Test of one scalar candidate: the value, its string form, and that string lower-cased (when asked). */
type CandTest = (c: unknown, s: string | undefined, lower: string | undefined) => boolean;
/** Test of the whole raw field value (null, exists, fieldref need it). */
type RawTest = (raw: unknown, ev: NightjarEvent, ctx: EvalContext) => boolean;
/** `lower`: the test reads the lower-cased string (so the item lower-cases each candidate once). */
/** `str`: the same test as `cand` for a string candidate, as a plain test of its (lower-cased when `lower`) text. */
type ValueTest =
  | {
      readonly cand: CandTest;
      readonly lower?: boolean;
      readonly str?: StringTest | undefined;
      readonly index?: readonly PrefilterTest[] | undefined;
      /** A `re` test: its `index` holds literals a match contains (tested on the lower-cased field). */
      readonly regex?: boolean;
      /** Its `index` literal is a common value (`true`, `false`): see CompiledItem.prefilterWeak. */
      readonly weak?: boolean;
    }
  | { readonly raw: RawTest };

export interface ItemSpec {
  /** null for keywords. */
  readonly field: string | null;
  readonly modifiers: readonly string[];
  readonly values: readonly unknown[];
  /** True when the YAML value was a list (value paths then get an index). */
  readonly listed: boolean;
  readonly path: Path;
}

export interface ItemEnv {
  readonly placeholders?: Record<string, string[]> | undefined;
  /** Resolve another field (fieldref). */
  readonly fieldGetter: (field: string, path: Path) => FieldGetter;
  readonly regexes: RegexInfo[];
}

export interface CompiledItem {
  /** Evaluate against the field's raw value (getter output). */
  readonly match: (raw: unknown, ev: NightjarEvent, ctx: EvalContext) => boolean;
  readonly canMatch: boolean;
  readonly reason?: string | undefined;
  /**
   * Literal tests one of which a lower-cased string candidate passes whenever the item matches (no
   * all/neq/cased; string or boolean values): exact for plain literals and booleans, necessary for
   * wildcard patterns and regexes. As data for the prefilter index (RulePrefilter).
   */
  readonly prefilter?: readonly PrefilterTest[];
  /**
   * The prefilter holds a boolean's text (`false`, `true`): exact, but many events carry it, so the
   * rule compiler indexes a rule by it only when the rule has no string literal to go by.
   */
  readonly prefilterWeak?: boolean;
}

/** Split `Field|a|b` into the field name and the modifiers; unknown modifiers are errors. */
export function parseKey(key: string, path: Path): { field: string; modifiers: string[] } {
  const [field, ...mods] = key.split('|');
  for (const m of mods) {
    if (!KNOWN.has(m)) {
      throw new RuleError(
        'NJ_UNKNOWN_MODIFIER',
        `unknown modifier '${m}' in '${key}' (known: ${KNOWN_MODIFIERS.join(', ')})`,
        path,
        { key: true },
      );
    }
  }
  return { field: field!, modifiers: mods };
}

function stringForm(c: unknown): string | undefined {
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : undefined;
  if (typeof c === 'boolean') return c ? 'true' : 'false';
  if (typeof c === 'bigint') return c.toString();
  return undefined;
}

function numberForm(c: unknown): number | undefined {
  if (typeof c === 'number') return Number.isFinite(c) ? c : undefined;
  if (typeof c === 'string' && c.trim() !== '') {
    const n = Number(c);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Calls `f` on every scalar in `raw` (lists flattened, nested too) until it returns true. */
function someCandidate(raw: unknown, f: (c: unknown) => boolean, depth = 0): boolean {
  if (Array.isArray(raw)) {
    if (depth >= MAX_EVENT_DEPTH) throw new EventDepthError();
    for (let i = 0; i < raw.length; i++) if (someCandidate(raw[i], f, depth + 1)) return true;
    return false;
  }
  return raw !== undefined && raw !== null && f(raw);
}

// A tiny cache of lower-cased strings: every rule that sees an event lower-cases the same few values
// (its CommandLine, its Image), so this turns N rules × M items lower-casings into one per value.
// Hits are pointer-equal strings (the getter returns the same string object for the same event).
const LC_SIZE = 4;
const lcKeys: string[] = new Array<string>(LC_SIZE).fill('');
const lcVals: string[] = new Array<string>(LC_SIZE).fill('');
let lcNext = 0;
export function lowerCached(s: string): string {
  for (let i = 0; i < LC_SIZE; i++) if (lcKeys[i] === s) return lcVals[i]!;
  const l = s.toLowerCase();
  lcKeys[lcNext] = s;
  lcVals[lcNext] = l;
  lcNext = (lcNext + 1) % LC_SIZE;
  return l;
}

/**
 * True when some scalar in `raw` (lists flattened) passes one of `tests`. Each candidate's string form
 * is lower-cased at most once, shared by every test; no closure is created per call.
 */
function anyCandidate(raw: unknown, tests: readonly CandTest[], needLower: boolean, depth = 0): boolean {
  if (Array.isArray(raw)) {
    if (depth >= MAX_EVENT_DEPTH) throw new EventDepthError();
    for (let i = 0; i < raw.length; i++) if (anyCandidate(raw[i], tests, needLower, depth + 1)) return true;
    return false;
  }
  if (raw === undefined || raw === null) return false;
  const s = stringForm(raw);
  const lower = needLower && s !== undefined ? lowerCached(s) : s;
  for (let i = 0; i < tests.length; i++) if (tests[i]!(raw, s, lower)) return true;
  return false;
}

function isNullish(raw: unknown, depth = 0): boolean {
  if (raw === undefined || raw === null) return true;
  if (!Array.isArray(raw)) return false;
  if (depth >= MAX_EVENT_DEPTH) throw new EventDepthError();
  for (let i = 0; i < raw.length; i++) if (!isNullish(raw[i], depth + 1)) return false;
  return true;
}

/**
 * Every modifier-combination problem of a `field|mod…` key that does not depend on the values, in
 * the order the compiler meets them (it reports the first as NJ_MODIFIER_COMBINATION; the linter
 * reports them all). `field` is null for keywords.
 */
export function modifierCombinationProblems(mods: readonly string[], field: string | null): string[] {
  const out: string[] = [];
  const bad = (msg: string) => {
    out.push(msg);
  };
  const seen = new Set<string>();
  for (const m of mods) {
    if (seen.has(m)) bad(`modifier '${m}' is repeated`);
    seen.add(m);
  }
  if (seen.has('exists')) {
    if (field === null) bad("'exists' must be bound to a field");
    if (mods.length > 1) bad("'exists' cannot be combined with other modifiers");
  }
  const reAt = mods.indexOf('re');
  if (reAt > 0) bad("'re' must be the first modifier");
  for (const m of mods) {
    if (m in RE_FLAGS && reAt < 0) bad(`'${m}' is a regex flag and needs 're' before it`);
  }
  if (reAt === 0) {
    for (const m of mods.slice(1)) {
      if (!(m in RE_FLAGS) && !WRAP.has(m) && m !== 'all' && m !== 'neq' && m !== 'expand')
        bad(`'${m}' cannot follow 're'`);
    }
  }
  const cidrAt = mods.indexOf('cidr');
  if (cidrAt > 0) bad("'cidr' must be the first modifier");
  if (cidrAt === 0)
    for (const m of mods.slice(1)) if (m !== 'all' && m !== 'neq') bad(`'${m}' cannot be combined with 'cidr'`);
  const cmp = mods.filter((m) => COMPARE.has(m));
  if (cmp.length > 1) bad(`only one of lt/lte/gt/gte may be used (got ${cmp.join(', ')})`);
  const times = mods.filter((m) => TIME.has(m));
  if (times.length > 1) bad(`only one time part may be used (got ${times.join(', ')})`);
  if (cmp.length || times.length) {
    for (const m of mods)
      if (!COMPARE.has(m) && !TIME.has(m) && m !== 'all' && m !== 'neq')
        bad(`'${m}' cannot be combined with numeric comparison or time parts`);
  }
  // windash with all is allowed (pySigma's validator flags it; the meaning is well defined: each
  // value's variants ORed, the values ANDed). The linter reports it.
  if (seen.has('fieldref')) {
    if (field === null) bad("'fieldref' must be bound to a field");
    for (const m of mods)
      if (!['fieldref', 'contains', 'startswith', 'endswith', 'neq', 'cased', 'all'].includes(m))
        bad(`'${m}' cannot be combined with 'fieldref'`);
  }
  return out;
}

function checkCombination(mods: readonly string[], field: string | null, path: Path): void {
  const first = modifierCombinationProblems(mods, field)[0];
  if (first !== undefined) throw new RuleError('NJ_MODIFIER_COMBINATION', first, path, { key: true });
}

/** Load-time state of one string value as it goes through transformation modifiers. */
interface StrState {
  alts: SigmaStr[];
  /** After wide/utf16*: each char is one byte. */
  binary: boolean;
}

/** Upper bound on the values one `expand` may generate (placeholders multiply). */
export const MAX_EXPANSION = 4096;

function expandPlaceholders(alts: SigmaStr[], env: ItemEnv, path: Path): SigmaStr[] {
  let out: SigmaStr[] = [];
  for (const alt of alts) {
    let partial: SigmaStr[] = [[]];
    for (const p of alt) {
      if (typeof p === 'object') {
        const vals =
          env.placeholders && Object.prototype.hasOwnProperty.call(env.placeholders, p.ph)
            ? env.placeholders[p.ph]
            : undefined;
        if (!vals) {
          throw new RuleError(
            'NJ_UNKNOWN_PLACEHOLDER',
            `placeholder '%${p.ph}%' has no value (give it in the placeholders option)`,
            path,
          );
        }
        if (partial.length * vals.length > MAX_EXPANSION) {
          throw new RuleError('NJ_MODIFIER_VALUE', `'expand' would generate more than ${MAX_EXPANSION} values`, path);
        }
        const next: SigmaStr[] = [];
        for (const pre of partial) for (const v of vals) next.push([...pre, ...parseSigmaString(String(v))]);
        partial = next;
      } else {
        for (const pre of partial) pre.push(p);
      }
    }
    out = out.concat(partial);
  }
  return out;
}

function requireLiteral(alt: SigmaStr, mod: string, path: Path): string {
  if (hasWildcards(alt)) {
    throw new RuleError(
      'NJ_MODIFIER_VALUE',
      `'${mod}' cannot encode a value with wildcards ('${render(alt)}'); put contains/startswith/endswith after it`,
      path,
    );
  }
  // No wildcards left (checked above): every part is literal text.
  return (alt as readonly string[]).join('');
}

function applyTransform(st: StrState, mod: string, env: ItemEnv, path: Path): StrState {
  switch (mod) {
    case 'expand':
      return { alts: expandPlaceholders(st.alts, env, path), binary: st.binary };
    case 'contains':
    case 'startswith':
    case 'endswith':
      return { alts: st.alts.map((a) => wrap(a, mod !== 'startswith', mod !== 'endswith')), binary: st.binary };
    case 'wide':
    case 'utf16le':
    case 'utf16be':
    case 'utf16': {
      const kind = mod === 'utf16be' ? 'be' : 'le';
      return {
        alts: st.alts.map((a) => {
          const enc = mapLiterals(a, (lit) => utf16(lit, kind));
          // utf16 (with BOM) marks the start of the text, before any leading wildcard's match.
          return mod === 'utf16' ? ['\xff\xfe', ...enc] : enc;
        }),
        binary: true,
      };
    }
    case 'base64':
      return { alts: st.alts.map((a) => literal(base64(requireLiteral(a, mod, path), st.binary))), binary: false };
    case 'base64offset':
      return {
        alts: st.alts.flatMap((a) => base64offset(requireLiteral(a, mod, path), st.binary).map(literal)),
        binary: false,
      };
    case 'windash': {
      const out: SigmaStr[] = [];
      for (const a of st.alts) {
        // Variants are generated over the whole text with wildcards as placeholders, so `\B` sees the real neighbours.
        let n = 1;
        for (const p of a) if (typeof p === 'string') n *= windashCount(p);
        if (n * st.alts.length > WINDASH_MAX_VARIANTS) {
          throw new RuleError(
            'NJ_MODIFIER_VALUE',
            `'windash' on '${render(a)}' would generate more than ${WINDASH_MAX_VARIANTS} variants`,
            path,
          );
        }
        let partial: SigmaStr[] = [[]];
        for (const p of a) {
          if (typeof p === 'string') {
            const vs = windashVariants(p);
            const next: SigmaStr[] = [];
            for (const pre of partial) for (const v of vs) next.push([...pre, v]);
            partial = next;
          } else for (const pre of partial) pre.push(p);
        }
        out.push(...partial);
      }
      return { alts: out, binary: st.binary };
    }
    default:
      return st;
  }
}

function compareTest(op: string, v: number): (n: number) => boolean {
  switch (op) {
    case 'lt':
      return (n) => n < v;
    case 'lte':
      return (n) => n <= v;
    case 'gt':
      return (n) => n > v;
    case 'gte':
      return (n) => n >= v;
    default:
      return (n) => n === v;
  }
}

/** Compile one value of an item (mods already validated). */
function compileValue(value: unknown, spec: ItemSpec, env: ItemEnv, vpath: Path): ValueTest {
  const mods = spec.modifiers;
  const has = (m: string) => mods.includes(m);
  const cased = has('cased');

  if (has('exists')) {
    if (typeof value !== 'boolean') throw new RuleError('NJ_MODIFIER_VALUE', "'exists' takes true or false", vpath);
    // Present means the getter found something (null included: the key exists); lists count when non-empty.
    return value
      ? { raw: (raw) => raw !== undefined && !(Array.isArray(raw) && raw.length === 0) }
      : { raw: (raw) => raw === undefined || (Array.isArray(raw) && raw.length === 0) };
  }

  if (value === null) {
    const extra = mods.filter((m) => m !== 'all' && m !== 'neq');
    if (extra.length) throw new RuleError('NJ_MODIFIER_VALUE', `null cannot be used with '${extra.join('|')}'`, vpath);
    return { raw: (raw) => isNullish(raw) };
  }

  if (value !== null && typeof value === 'object') {
    throw new RuleError(
      'NJ_DETECTION_SYNTAX',
      'a value must be a string, number, boolean or null (not a map or nested list)',
      vpath,
    );
  }

  const cmp = mods.find((m) => COMPARE.has(m));
  const tp = mods.find((m) => TIME.has(m)) as TimePart | undefined;
  if (cmp || tp) {
    if (typeof value !== 'number') {
      throw new RuleError(
        'NJ_MODIFIER_VALUE',
        `'${cmp ?? tp}' needs a YAML number, got ${JSON.stringify(value)}`,
        vpath,
      );
    }
    const t = compareTest(cmp ?? 'eq', value);
    if (tp)
      return {
        cand: (c) => {
          const part = timePart(c, tp);
          return part !== undefined && t(part);
        },
      };
    return {
      cand: (c) => {
        const n = numberForm(c);
        return n !== undefined && t(n);
      },
    };
  }

  if (has('cidr')) {
    const net = typeof value === 'string' ? parseCidr(value) : undefined;
    if (!net)
      throw new RuleError(
        'NJ_MODIFIER_VALUE',
        `'cidr' needs an IPv4 or IPv6 network like 10.0.0.0/8 or fe80::/10, got ${JSON.stringify(value)}`,
        vpath,
      );
    const t = cidrTest(net);
    return { cand: (_c, s) => s !== undefined && t(s) };
  }

  if (has('re')) {
    if (typeof value !== 'string') throw new RuleError('NJ_MODIFIER_VALUE', "'re' needs a string pattern", vpath);
    const flags: RegexFlags = { i: false, m: false, s: false };
    for (const m of mods) if (m in RE_FLAGS) flags[RE_FLAGS[m]!] = true;
    // Sigma `re` is a search; contains is a no-op, startswith/endswith anchor the pattern.
    let src = value;
    if (has('expand')) {
      // Placeholder values are literal strings: each %name% becomes an alternation of quoted values.
      src = src.replace(/%([A-Za-z0-9_.-]+)%/g, (_all, name: string) => {
        const vals =
          env.placeholders && Object.prototype.hasOwnProperty.call(env.placeholders, name)
            ? env.placeholders[name]
            : undefined;
        if (!vals)
          throw new RuleError(
            'NJ_UNKNOWN_PLACEHOLDER',
            `placeholder '%${name}%' has no value (give it in the placeholders option)`,
            vpath,
          );
        return `(?:${vals.map((v) => quoteRegex(String(v))).join('|')})`;
      });
    }
    if (has('startswith') && !src.startsWith('^')) src = `^(?:${src})`;
    if (has('endswith') && !src.endsWith('$')) src = `(?:${src})$`;
    try {
      const re = compileRegex(src, flags, vpath);
      env.regexes.push({ source: value, flags: re.flags, path: vpath });
      // For the prefilter index: literals one of which every match contains (see regex-literals.ts).
      const lits = necessaryLiterals(src, flags.i);
      const index = lits?.map((lit): PrefilterTest => ({ kind: 'contains', lit }));
      return { cand: (_c, s) => s !== undefined && re.test(s), regex: true, index };
    } catch (e) {
      env.regexes.push({
        source: value,
        flags: `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`,
        error: (e as Error).message,
        path: vpath,
      });
      throw e;
    }
  }

  if (has('fieldref')) {
    if (typeof value !== 'string' || /[*?]/.test(value)) {
      throw new RuleError('NJ_MODIFIER_VALUE', "'fieldref' needs a field name without wildcards", vpath);
    }
    let other: FieldGetter;
    try {
      other = env.fieldGetter(value, vpath);
    } catch (e) {
      // The offender is the value (the referenced field name), not the key.
      if (e instanceof RuleError) throw new RuleError(e.code, `fieldref: ${e.message}`, vpath);
      throw e;
    }
    const mode = has('contains') ? 'contains' : has('startswith') ? 'startswith' : has('endswith') ? 'endswith' : 'eq';
    const fold = (s: string) => (cased ? s : s.toLowerCase());
    const test = (a: string, b: string) =>
      mode === 'eq'
        ? a === b
        : mode === 'contains'
          ? a.includes(b)
          : mode === 'startswith'
            ? a.startsWith(b)
            : a.endsWith(b);
    return {
      raw: (raw, ev, ctx) => {
        const ref = other(ev, ctx);
        return someCandidate(raw, (c) => {
          const s = stringForm(c);
          if (s === undefined) return false;
          const a = fold(s);
          return someCandidate(ref, (r) => {
            const b = stringForm(r);
            return b !== undefined && test(a, fold(b));
          });
        });
      },
    };
  }

  const transforms = mods.filter((m) => WRAP.has(m) || ENCODE.has(m) || m === 'expand');
  if (typeof value === 'boolean' && transforms.length === 0) {
    const want = value ? 'true' : 'false';
    // Matches exactly the candidates whose lower-cased text is `want`: the prefilter index's `eq`.
    return {
      cand: (c, _s, lower) => c === value || lower === want,
      lower: true,
      index: [{ kind: 'eq', lit: want }],
      weak: true,
    };
  }
  if (typeof value === 'number' && transforms.length === 0) {
    // Numbers match both the numeric and the string form (sigma.md §1.3 note).
    const str = String(value);
    return { cand: (c, s) => c === value || s === str || (typeof c === 'string' && numberForm(c) === value) };
  }

  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Sigma values are YAML scalars; String() gives their text form
  let st: StrState = { alts: [parseSigmaString(String(value), has('expand'))], binary: false };
  for (const m of mods) st = applyTransform(st, m, env, vpath);
  if (st.alts.some(hasPlaceholders)) throw new Error('internal: placeholder left after expand');
  const folded = st.alts.map((alt) => (cased ? alt : mapLiterals(alt, (l) => l.toLowerCase())));
  const tests = folded.map((alt) => compileWildcard(alt));
  let index: PrefilterTest[] | undefined;
  if (!cased) {
    index = [];
    for (const alt of folded) {
      const c = classifyWildcard(alt);
      if (c === undefined) {
        index = undefined;
        break;
      }
      index.push(c);
    }
  }
  if (tests.length === 1) {
    const t = tests[0]!;
    return cased
      ? { cand: (_c, s) => s !== undefined && t(s), str: t }
      : { cand: (_c, _s, lower) => lower !== undefined && t(lower), lower: true, str: t, index };
  }
  const anyOf = (s: string | undefined) => {
    if (s === undefined) return false;
    for (let i = 0; i < tests.length; i++) if (tests[i]!(s)) return true;
    return false;
  };
  return cased
    ? { cand: (_c, s) => anyOf(s), str: anyOf }
    : { cand: (_c, _s, lower) => anyOf(lower), lower: true, str: anyOf, index };
}

function isIndexedRegex(t: ValueTest): t is ValueTest & { readonly index: readonly PrefilterTest[] } {
  return 'cand' in t && t.regex === true && t.index !== undefined && t.index.length > 0;
}

/** Why an item can never match, if it cannot (for the linter). */
function unsatisfiable(spec: ItemSpec): string | undefined {
  const m = spec.modifiers;
  if (!m.includes('all') || m.includes('neq') || spec.values.length < 2) return undefined;
  const plainEq = !m.some(
    (x) =>
      WRAP.has(x) ||
      x === 're' ||
      x === 'cidr' ||
      COMPARE.has(x) ||
      TIME.has(x) ||
      x === 'fieldref' ||
      x === 'windash' ||
      x === 'expand' ||
      x === 'base64offset',
  );
  if (!plainEq || spec.field === null) return undefined;
  const strs = spec.values.map((v) => (typeof v === 'string' ? parseSigmaString(v) : null));
  if (strs.some((s) => s === null || hasWildcards(s))) return undefined;
  const norm = new Set(strs.map((s) => (m.includes('cased') ? render(s!) : render(s!).toLowerCase())));
  if (norm.size > 1) return `'|all' without contains requires one field to equal ${norm.size} different values at once`;
  return undefined;
}

export function compileItem(spec: ItemSpec, env: ItemEnv): CompiledItem {
  checkCombination(spec.modifiers, spec.field, spec.path);
  const all = spec.modifiers.includes('all');
  const neq = spec.modifiers.includes('neq');
  if (spec.values.length === 0) {
    // `field: []` is `field is null` (pySigma); an empty keyword list matches nothing.
    const isNull = (raw: unknown) => isNullish(raw);
    const base = spec.field === null ? () => false : isNull;
    return { match: neq ? (raw) => !base(raw) : base, canMatch: spec.field !== null };
  }
  const tests = spec.values.map((v, i) => compileValue(v, spec, env, spec.listed ? [...spec.path, i] : spec.path));
  const cands: CandTest[] = [];
  const raws: RawTest[] = [];
  let needLower = false;
  for (const t of tests) {
    if ('cand' in t) {
      cands.push(t.cand);
      if (t.lower) needLower = true;
    } else raws.push(t.raw);
  }

  let match: (raw: unknown, ev: NightjarEvent, ctx: EvalContext) => boolean;
  const strs: StringTest[] = [];
  for (const t of tests) if ('cand' in t && t.str !== undefined && (t.lower === true) === needLower) strs.push(t.str);
  if (!all && raws.length === 0 && strs.length === tests.length) {
    // The common item (string values, any of them): a string field value is tested directly, lowered
    // once (shared cache); lists and non-strings take the general path. Same answers as anyCandidate.
    const one = strs.length === 1 ? strs[0] : undefined;
    match = (raw) => {
      if (typeof raw === 'string') {
        const s = needLower ? lowerCached(raw) : raw;
        if (one !== undefined) return one(s);
        for (let i = 0; i < strs.length; i++) if (strs[i]!(s)) return true;
        return false;
      }
      return anyCandidate(raw, cands, needLower);
    };
  } else if (!all) {
    match =
      raws.length === 0
        ? (raw) => anyCandidate(raw, cands, needLower)
        : (raw, ev, ctx) => {
            for (let i = 0; i < raws.length; i++) if (raws[i]!(raw, ev, ctx)) return true;
            return cands.length > 0 && anyCandidate(raw, cands, needLower);
          };
  } else {
    const singles = cands.map((c) => [c]);
    match = (raw, ev, ctx) => {
      for (let i = 0; i < raws.length; i++) if (!raws[i]!(raw, ev, ctx)) return false;
      if (typeof raw === 'string') {
        // The common case: one string, lowered once for every value.
        const lower = needLower ? lowerCached(raw) : raw;
        for (let i = 0; i < cands.length; i++) if (!cands[i]!(raw, raw, lower)) return false;
        return true;
      }
      for (let i = 0; i < singles.length; i++) if (!anyCandidate(raw, singles[i]!, needLower)) return false;
      return true;
    };
  }
  const reason = unsatisfiable(spec);
  const finalMatch = neq ? (raw: unknown, ev: NightjarEvent, ctx: EvalContext) => !match(raw, ev, ctx) : match;
  let prefilter: PrefilterTest[] | undefined;
  let weak = false;
  if (!all && !neq && needLower && raws.length === 0 && tests.every((t) => 'cand' in t && t.regex !== true)) {
    // Any value may match: the union of their literals, when every value has them.
    prefilter = [];
    for (const t of tests) {
      const ix = 'cand' in t ? t.index : undefined;
      if (ix === undefined) {
        prefilter = undefined;
        break;
      }
      prefilter.push(...ix);
      if ('cand' in t && t.weak === true) weak = true;
    }
  } else if (!all && !neq && raws.length === 0 && tests.length > 0 && tests.every(isIndexedRegex)) {
    // Regexes (any of them): a match of any contains one of its literals, so their union is necessary.
    prefilter = [];
    for (const t of tests) if (isIndexedRegex(t)) prefilter.push(...t.index);
  } else if (all && !neq && needLower) {
    // Every value must match, so any one value's tests are necessary: the one whose shortest literal
    // is longest (the rarest, as a rule: 'osacompile' rather than 'curl').
    let best: readonly PrefilterTest[] | undefined;
    let bestLen = 0;
    for (const t of tests) {
      if (!('cand' in t) || t.lower !== true || t.weak === true || t.index === undefined || t.index.length === 0)
        continue;
      let len = Infinity;
      for (const x of t.index) len = Math.min(len, x.lit.length);
      if (len > bestLen) {
        best = t.index;
        bestLen = len;
      }
    }
    if (best !== undefined) prefilter = [...best];
  }
  if (prefilter === undefined) return { match: finalMatch, canMatch: reason === undefined, reason };
  return weak
    ? { match: finalMatch, canMatch: reason === undefined, reason, prefilter, prefilterWeak: true }
    : { match: finalMatch, canMatch: reason === undefined, reason, prefilter };
}
