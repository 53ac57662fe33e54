/**
 * A small Sigma condition parser used by the linter (unreachable / always-true analysis) and the
 * tester (explaining which selection made a condition false). It follows pySigma's grammar:
 * precedence or < and < not < `x of`, lower-case operators only, identifiers [A-Za-z0-9_-]+,
 * patterns [A-Za-z0-9*_]+, `1`/`any`/`all` quantifiers, `them` excluding `_`-prefixed names.
 */
import { NightjarError } from '@nightjar/core';

export type CondNode =
  | { readonly t: 'id'; readonly name: string; readonly pos: number }
  | { readonly t: 'of'; readonly q: 'one' | 'all'; readonly pattern: string; readonly pos: number }
  | { readonly t: 'not'; readonly e: CondNode }
  | { readonly t: 'and' | 'or'; readonly args: readonly CondNode[] };

export class ConditionSyntaxError extends NightjarError {
  /** 0-based offset in the condition string. */
  readonly pos: number;
  constructor(message: string, pos: number) {
    super('NJ_CONDITION_SYNTAX', message);
    this.pos = pos;
  }
}

interface Tok {
  v: string;
  pos: number;
}

const WORD = /[A-Za-z0-9_*\-]+/y;
const MAX_NESTING = 200;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ v: c, pos: i++ });
    } else if (c === '|') {
      throw new ConditionSyntaxError(
        "the '|' aggregation syntax is deprecated in Sigma; write a correlation rule instead",
        i,
      );
    } else {
      // Sticky regex: no slicing, so a huge condition stays linear.
      WORD.lastIndex = i;
      const m = WORD.exec(src);
      if (!m) throw new ConditionSyntaxError(`unexpected character '${c}'`, i);
      out.push({ v: m[0], pos: i });
      i += m[0].length;
    }
  }
  return out;
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them']);

export function parseCondition(src: string): CondNode {
  const toks = tokenize(src);
  let k = 0;
  const peek = (): Tok | undefined => toks[k];
  const fail = (msg: string, t = peek()): never => {
    throw new ConditionSyntaxError(msg, t ? t.pos : src.length);
  };
  // n-ary and/or keep the tree shallow (a 20,000-term `or` is one node); nesting is capped so a
  // hostile condition cannot exhaust the stack.
  let depth = 0;
  const deeper = (): void => {
    if (++depth > MAX_NESTING) fail(`condition nests deeper than ${MAX_NESTING} levels`);
  };
  const parseOr = (): CondNode => {
    const args = [parseAnd()];
    while (peek()?.v === 'or') {
      k++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { t: 'or', args };
  };
  const parseAnd = (): CondNode => {
    const args = [parseNot()];
    while (peek()?.v === 'and') {
      k++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { t: 'and', args };
  };
  const parseNot = (): CondNode => {
    if (peek()?.v === 'not') {
      k++;
      deeper();
      const e = parseNot();
      depth--;
      return { t: 'not', e };
    }
    return parseAtom();
  };
  const parseAtom = (): CondNode => {
    const t = peek();
    if (!t) return fail('unexpected end of condition');
    if (t.v === '(') {
      k++;
      deeper();
      const e = parseOr();
      depth--;
      if (peek()?.v !== ')') fail("missing ')'");
      k++;
      return e;
    }
    if (t.v === '1' || t.v === 'any' || t.v === 'all') {
      if (toks[k + 1]?.v === 'of') {
        k += 2;
        const p = peek();
        if (!p || p.v === '(' || p.v === ')') return fail(`'${t.v} of' needs a pattern or 'them'`);
        if (p.v !== 'them' && !/^[A-Za-z0-9*_]+$/.test(p.v)) fail(`invalid pattern '${p.v}' (patterns cannot contain '-')`, p);
        k++;
        return { t: 'of', q: t.v === 'all' ? 'all' : 'one', pattern: p.v, pos: t.pos };
      }
    }
    if (/^\d+$/.test(t.v) && toks[k + 1]?.v === 'of') fail(`'${t.v} of' is not Sigma; only '1 of' and 'all of' exist`);
    const lower = t.v.toLowerCase();
    if (RESERVED.has(lower) && lower !== t.v) fail(`operators are lower case in Sigma: write '${lower}', not '${t.v}'`);
    if (RESERVED.has(t.v) || t.v === ')') fail(`unexpected '${t.v}'`);
    if (t.v.includes('*')) fail(`wildcard '${t.v}' is only allowed after '1 of' / 'all of'`);
    k++;
    return { t: 'id', name: t.v, pos: t.pos };
  };
  if (toks.length === 0) fail('empty condition');
  const ast = parseOr();
  if (k < toks.length) {
    const t = toks[k]!;
    const lower = t.v.toLowerCase();
    if (RESERVED.has(lower) && lower !== t.v) fail(`operators are lower case in Sigma: write '${lower}', not '${t.v}'`, t);
    fail(`unexpected '${t.v}' (expected 'and', 'or' or the end)`, t);
  }
  return ast;
}

/** The identifiers an `x of pattern` covers (pySigma: fullmatch; `_` names only when the pattern starts with `_`). */
export function expandPattern(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  return names.filter((n) => globMatch(pattern, n) && (!n.startsWith('_') || pattern.startsWith('_')));
}

/**
 * `*` glob match without a regex: greedy with one backtrack point (the last `*`), O(n·m) at worst,
 * so a rule's pattern such as `*a*a*a*a*b` cannot make the linter backtrack exponentially.
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === name[n]) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Identifiers the condition names directly (not through patterns). */
export function referencedIds(ast: CondNode, out: CondNode[] = []): CondNode[] {
  switch (ast.t) {
    case 'id':
    case 'of':
      out.push(ast);
      break;
    case 'not':
      referencedIds(ast.e, out);
      break;
    default:
      for (const a of ast.args) referencedIds(a, out);
  }
  return out;
}

/**
 * Evaluates with pySigma's pruning: a pattern that matches no identifier disappears, so
 * `sel and not 1 of filter*` with no filters means `sel`. Returns undefined for a pruned subtree.
 */
export function evalCondition(
  ast: CondNode,
  names: readonly string[],
  truth: (name: string) => boolean,
): boolean | undefined {
  switch (ast.t) {
    case 'id':
      return truth(ast.name);
    case 'of': {
      const ids = expandPattern(ast.pattern, names);
      if (ids.length === 0) return undefined;
      return ast.q === 'all' ? ids.every(truth) : ids.some(truth);
    }
    case 'not': {
      const v = evalCondition(ast.e, names, truth);
      return v === undefined ? undefined : !v;
    }
    case 'and':
    case 'or': {
      // Pruned (undefined) arguments drop out; all pruned → pruned.
      let acc: boolean | undefined;
      for (const a of ast.args) {
        const v = evalCondition(a, names, truth);
        if (v === undefined) continue;
        acc = acc === undefined ? v : ast.t === 'and' ? acc && v : acc || v;
      }
      return acc;
    }
  }
}

/** The identifiers whose truth the condition depends on (after expanding patterns), in order. */
export function conditionVariables(ast: CondNode, names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const n of referencedIds(ast)) {
    if (n.t === 'id') seen.add(n.name);
    else if (n.t === 'of') for (const x of expandPattern(n.pattern, names)) seen.add(x);
  }
  return [...seen];
}

/**
 * Whether the condition can ever be true / can ever be false, by enumerating truth assignments
 * of its identifiers (bounded: beyond 14 variables the answer is `undefined`, i.e. unknown).
 * `fixed` pins identifiers known to always match (e.g. a selection of only `*` values).
 */
export function satisfiability(
  ast: CondNode,
  names: readonly string[],
  fixed: ReadonlyMap<string, boolean> = new Map(),
): { canBeTrue: boolean; canBeFalse: boolean } | undefined {
  const vars = conditionVariables(ast, names).filter((v) => !fixed.has(v));
  if (vars.length > 14) return undefined;
  let canBeTrue = false;
  let canBeFalse = false;
  const val = new Map(fixed);
  for (let mask = 0; mask < 1 << vars.length; mask++) {
    vars.forEach((v, i) => val.set(v, (mask & (1 << i)) !== 0));
    const r = evalCondition(ast, names, (n) => val.get(n) ?? false);
    if (r === true) canBeTrue = true;
    else canBeFalse = true;
    if (canBeTrue && canBeFalse) break;
  }
  return { canBeTrue, canBeFalse };
}

/** Whether some identifier is used only under negation (no positive term at all). */
export function hasPositiveTerm(ast: CondNode, negated = false): boolean {
  switch (ast.t) {
    case 'id':
    case 'of':
      return !negated;
    case 'not':
      return hasPositiveTerm(ast.e, !negated);
    default:
      return ast.args.some((a) => hasPositiveTerm(a, negated));
  }
}

/** Identifiers (after pattern expansion) that occur only under an odd number of `not`s. */
export function negatedOnly(ast: CondNode, names: readonly string[]): Set<string> {
  const pos = new Set<string>();
  const neg = new Set<string>();
  const walk = (n: CondNode, negated: boolean): void => {
    if (n.t === 'id' || n.t === 'of') {
      const ids = n.t === 'id' ? [n.name] : expandPattern(n.pattern, names);
      for (const x of ids) (negated ? neg : pos).add(x);
    } else if (n.t === 'not') walk(n.e, !negated);
    else for (const a of n.args) walk(a, negated);
  };
  walk(ast, false);
  return new Set([...neg].filter((x) => !pos.has(x)));
}
