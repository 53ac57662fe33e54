import { RuleError } from '../errors.js';
import type { ConditionNode } from './types.js';
import { parseSigmaString } from './sigma-string.js';
import { compileWildcard } from './wildcard.js';

/**
 * The Sigma condition grammar, as pySigma parses it — the one condition parser in Nightjar:
 *   or  <  and  <  not  <  x of  <  ( … )      (loosest to tightest)
 * `not` is a right-associative prefix; `and`/`or` are left-associative; operators are lower case only.
 * Identifiers are [A-Za-z0-9_-]+; `x of` patterns are [A-Za-z0-9*_]+ matched against whole names;
 * quantifiers are 1, any (= 1) and all; `them` is every identifier not starting with `_`; a pattern
 * starting with `_` may match `_` names. Selectors that match nothing are pruned, and so are the
 * and/or/not nodes that become empty (pySigma's behaviour).
 */

type Path = readonly (string | number)[];

/**
 * The condition as written: the syntax tree every consumer walks (the compiler resolves it below;
 * the linter and the rule tester analyse it). `start`/`end` are 0-based offsets into the condition
 * string (half-open), so a tool can point at the exact term.
 */
export type ConditionAst =
  | {
      readonly type: 'and' | 'or';
      readonly args: readonly ConditionAst[];
      readonly start: number;
      readonly end: number;
    }
  | { readonly type: 'not'; readonly arg: ConditionAst; readonly start: number; readonly end: number }
  | { readonly type: 'ref'; readonly name: string; readonly start: number; readonly end: number }
  | {
      readonly type: 'of';
      readonly quantifier: 'one' | 'all';
      /** The pattern as written, or `them`. */
      readonly pattern: string;
      readonly start: number;
      readonly end: number;
    };

/**
 * A condition that does not parse. `reason` is the problem alone and `start` its 0-based offset;
 * `message` adds where, for one-line diagnostics. Code NJ_CONDITION_AGGREGATION for the deprecated
 * `|` aggregation, else NJ_CONDITION_SYNTAX.
 */
export class ConditionSyntaxError extends RuleError {
  readonly reason: string;
  readonly start: number;
  constructor(
    code: 'NJ_CONDITION_SYNTAX' | 'NJ_CONDITION_AGGREGATION',
    reason: string,
    src: string,
    start: number,
    path: Path = [],
  ) {
    const where = start >= src.length ? 'at the end' : `at column ${start + 1}`;
    super(code, `${reason} ${where} of condition '${src.length > 200 ? `${src.slice(0, 197)}...` : src}'`, path);
    this.reason = reason;
    this.start = start;
  }
}

interface Token {
  readonly text: string;
  /** 0-based offset in the condition string. */
  readonly start: number;
}

/** Sticky, so a huge condition is tokenized in linear time without slicing. */
const WORD = /[A-Za-z0-9_*-]+/y;

function tokenize(src: string, path: Path): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ text: c, start: i++ });
    } else if (c === '|') {
      throw new ConditionSyntaxError(
        'NJ_CONDITION_AGGREGATION',
        "the deprecated aggregation syntax ('|'): write a Sigma correlation rule instead",
        src,
        i,
        path,
      );
    } else {
      WORD.lastIndex = i;
      const m = WORD.exec(src);
      if (!m) throw new ConditionSyntaxError('NJ_CONDITION_SYNTAX', `unexpected character '${c}'`, src, i, path);
      out.push({ text: m[0], start: i });
      i += m[0].length;
    }
  }
  return out;
}

const RESERVED = new Set(['and', 'or', 'not', 'of', 'them']);
/** Nesting limit for parentheses and `not` chains: untrusted text must not exhaust the stack. */
export const MAX_CONDITION_DEPTH = 200;

/**
 * Parse one condition string into its syntax tree (no identifiers needed). Throws
 * ConditionSyntaxError; `path` is the YAML key path the error carries (for file:line:col).
 * `and`/`or` are n-ary, so a 20,000-term `or` is one node, not a 20,000-deep tree.
 */
export function parseConditionSyntax(src: string, path: Path = []): ConditionAst {
  const toks = tokenize(src, path);
  let pos = 0;
  const peek = (): Token | undefined => toks[pos];
  const fail = (reason: string, t: Token | undefined = peek()): never => {
    throw new ConditionSyntaxError('NJ_CONDITION_SYNTAX', reason, src, t ? t.start : src.length, path);
  };
  const lowerCaseHint = (t: Token): string | undefined => {
    const lower = t.text.toLowerCase();
    return RESERVED.has(lower) && lower !== t.text
      ? `operators are lower case in Sigma: write '${lower}', not '${t.text}'`
      : undefined;
  };
  const nary = (type: 'and' | 'or', args: ConditionAst[]): ConditionAst =>
    args.length === 1 ? args[0]! : { type, args, start: args[0]!.start, end: args[args.length - 1]!.end };
  let depth = 0;
  const deeper = (t: Token): void => {
    if (++depth > MAX_CONDITION_DEPTH)
      fail(`nesting too deep: the condition nests deeper than ${MAX_CONDITION_DEPTH} levels`, t);
  };
  const parseOr = (): ConditionAst => {
    const args = [parseAnd()];
    while (peek()?.text === 'or') {
      pos++;
      args.push(parseAnd());
    }
    return nary('or', args);
  };
  const parseAnd = (): ConditionAst => {
    const args = [parseNot()];
    while (peek()?.text === 'and') {
      pos++;
      args.push(parseNot());
    }
    return nary('and', args);
  };
  const parseNot = (): ConditionAst => {
    const t = peek();
    if (t?.text === 'not') {
      pos++;
      deeper(t);
      const arg = parseNot();
      depth--;
      return { type: 'not', arg, start: t.start, end: arg.end };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionAst => {
    const t = peek();
    if (t === undefined) return fail('unexpected end of condition (expected a selection, `not`, `(` or `x of`)');
    if (t.text === '(') {
      pos++;
      deeper(t);
      const inner = parseOr();
      if (peek()?.text !== ')') fail("missing ')'");
      pos++;
      depth--;
      return inner;
    }
    const hint = lowerCaseHint(t);
    if (hint) return fail(hint, t);
    if (t.text === ')' || RESERVED.has(t.text)) return fail(`unexpected '${t.text}'`, t);
    if (toks[pos + 1]?.text === 'of') {
      if (/^\d+$/.test(t.text) && t.text !== '1')
        fail(`'${t.text} of' is not Sigma; only '1 of' and 'all of' exist`, t);
      if (!['1', 'any', 'all'].includes(t.text))
        fail(`'${t.text} of' is not allowed: the quantifier must be 1, any or all`, t);
      const pat = toks[pos + 2];
      if (pat === undefined || pat.text === '(' || pat.text === ')' || (RESERVED.has(pat.text) && pat.text !== 'them'))
        fail(`'${t.text} of' needs a pattern or 'them'`, pat);
      if (pat!.text !== 'them' && !/^[A-Za-z0-9*_]+$/.test(pat!.text))
        fail(`invalid pattern '${pat!.text}' (patterns may use letters, digits, _ and *; not -)`, pat);
      pos += 3;
      return {
        type: 'of',
        quantifier: t.text === 'all' ? 'all' : 'one',
        pattern: pat!.text,
        start: t.start,
        end: pat!.start + pat!.text.length,
      };
    }
    if (t.text.includes('*')) fail(`wildcard '${t.text}' is only allowed after '1 of' / 'all of'`, t);
    pos++;
    return { type: 'ref', name: t.text, start: t.start, end: t.start + t.text.length };
  };

  if (toks.length === 0) fail('empty condition');
  const ast = parseOr();
  if (pos < toks.length) {
    const t = toks[pos]!;
    fail(lowerCaseHint(t) ?? `unexpected '${t.text}' (expected 'and', 'or' or the end)`, t);
  }
  return ast;
}

/**
 * The identifiers an `x of pattern` covers (pySigma: the pattern must match the whole name; `them`
 * and patterns not starting with `_` skip `_` names).
 */
export function expandPattern(pattern: string, names: readonly string[]): string[] {
  if (pattern === 'them') return names.filter((n) => !n.startsWith('_'));
  const test = compileWildcard(parseSigmaString(pattern));
  return names.filter((n) => test(n) && (!n.startsWith('_') || pattern.startsWith('_')));
}

/**
 * Whether an `x of` pattern (letters, digits, `_` and `*`) matches a whole name, case-sensitively.
 * The same segment scan as Sigma wildcard values (one leftmost search per `*`-separated segment), so
 * a pattern such as `*a*a*a*a*b` costs one pass, never backtracking.
 */
export function globMatch(pattern: string, name: string): boolean {
  return compileWildcard(parseSigmaString(pattern))(name);
}

/**
 * Resolve a syntax tree against the detection's identifiers: `x of` nodes get the names they match,
 * selectors that match nothing are pruned (and so are and/or/not nodes left empty), an unknown
 * identifier is NJ_UNKNOWN_SELECTION. Null when everything was pruned.
 */
export function resolveCondition(
  ast: ConditionAst,
  identifiers: readonly string[],
  path: Path,
): { node: ConditionNode | null; pruned: string[] } {
  const ids = new Set(identifiers);
  const pruned: string[] = [];
  const walk = (n: ConditionAst): ConditionNode | null => {
    switch (n.type) {
      case 'ref':
        if (!ids.has(n.name)) {
          throw new RuleError(
            'NJ_UNKNOWN_SELECTION',
            `condition references '${n.name}', which is not defined in detection (defined: ${identifiers.join(', ') || 'none'})`,
            path,
          );
        }
        return { type: 'ref', name: n.name };
      case 'of': {
        const matches = expandPattern(n.pattern, identifiers);
        if (matches.length === 0) {
          pruned.push(`${n.quantifier === 'all' ? 'all' : '1'} of ${n.pattern}`);
          return null;
        }
        return { type: 'of', quantifier: n.quantifier, pattern: n.pattern, matches };
      }
      case 'not': {
        const arg = walk(n.arg);
        return arg === null ? null : { type: 'not', arg };
      }
      default:
        return combine(n.type, n.args.map(walk));
    }
  };
  return { node: walk(ast), pruned };
}

/** Parse and resolve one condition string against the detection's identifiers. Null when pruned away. */
export function parseCondition(
  src: string,
  identifiers: readonly string[],
  path: Path,
): { node: ConditionNode | null; pruned: string[] } {
  return resolveCondition(parseConditionSyntax(src, path), identifiers, path);
}

function combine(type: 'and' | 'or', args: (ConditionNode | null)[]): ConditionNode | null {
  const kept = args.filter((a): a is ConditionNode => a !== null);
  if (kept.length === 0) return null;
  if (kept.length === 1) return kept[0]!;
  return { type, args: kept };
}

/** Every identifier the (pruned) tree references. */
export function referencedNames(node: ConditionNode | null, into = new Set<string>()): Set<string> {
  if (node === null) return into;
  switch (node.type) {
    case 'ref':
      into.add(node.name);
      break;
    case 'of':
      for (const m of node.matches) into.add(m);
      break;
    case 'not':
      referencedNames(node.arg, into);
      break;
    default:
      for (const a of node.args) referencedNames(a, into);
  }
  return into;
}

/** Compile a resolved tree over compiled selections into a predicate factory. */
export function compileCondition<F extends (...a: never[]) => boolean>(
  node: ConditionNode,
  sel: (name: string) => F,
  and: (fs: F[]) => F,
  or: (fs: F[]) => F,
  not: (f: F) => F,
): F {
  switch (node.type) {
    case 'ref':
      return sel(node.name);
    case 'of': {
      const fs = node.matches.map(sel);
      if (fs.length === 1) return fs[0]!;
      return node.quantifier === 'all' ? and(fs) : or(fs);
    }
    case 'not':
      return not(compileCondition(node.arg, sel, and, or, not));
    case 'and':
      return and(node.args.map((a) => compileCondition(a, sel, and, or, not)));
    case 'or':
      return or(node.args.map((a) => compileCondition(a, sel, and, or, not)));
  }
}
