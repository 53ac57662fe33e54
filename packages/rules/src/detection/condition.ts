import { RuleError } from '../errors.js';
import type { ConditionNode } from './types.js';

/**
 * The Sigma condition grammar (sigma.md §1.4), as pySigma parses it:
 *   or  <  and  <  not  <  x of  <  ( … )      (loosest to tightest)
 * `not` is a right-associative prefix; `and`/`or` are left-associative; operators are lower case only.
 * Identifiers are [A-Za-z0-9_-]+; `x of` patterns are [A-Za-z0-9*_]+ matched against whole names;
 * quantifiers are 1, any (= 1) and all; `them` is every identifier not starting with `_`; a pattern
 * starting with `_` may match `_` names. Selectors that match nothing are pruned, and so are the
 * and/or/not nodes that become empty (pySigma's behaviour).
 */

type Path = readonly (string | number)[];

interface Token {
  readonly text: string;
  readonly col: number;
}

const WORD = /[A-Za-z0-9_*-]/;

function tokenize(src: string, path: Path): Token[] {
  if (src.includes('|')) {
    throw new RuleError(
      'NJ_CONDITION_AGGREGATION',
      "condition uses the deprecated aggregation syntax ('|'): write a Sigma correlation rule instead",
      path,
    );
  }
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ text: c, col: i + 1 });
      i++;
    } else if (WORD.test(c)) {
      const start = i;
      while (i < src.length && WORD.test(src[i])) i++;
      out.push({ text: src.slice(start, i), col: start + 1 });
    } else {
      throw new RuleError('NJ_CONDITION_SYNTAX', `unexpected character '${c}' at column ${i + 1} of condition '${src}'`, path);
    }
  }
  return out;
}

const OPERATORS = new Set(['and', 'or', 'not']);
/** Nesting limit for parentheses and `not` chains: untrusted text must not exhaust the stack. */
export const MAX_CONDITION_DEPTH = 128;
const UPPER_OPS = new Set(['AND', 'OR', 'NOT', 'And', 'Or', 'Not']);

/** Parse and resolve one condition string against the detection's identifiers. Null when pruned away. */
export function parseCondition(src: string, identifiers: readonly string[], path: Path): { node: ConditionNode | null; pruned: string[] } {
  const toks = tokenize(src, path);
  const ids = new Set(identifiers);
  const pruned: string[] = [];
  let pos = 0;
  const err = (msg: string, t?: Token): never => {
    throw new RuleError('NJ_CONDITION_SYNTAX', `${msg}${t ? ` at column ${t.col}` : ' at the end'} of condition '${src}'`, path);
  };
  const peek = () => toks[pos];
  const isOp = (t: Token | undefined, op: string) => t !== undefined && t.text === op;

  const parseOr = (): ConditionNode | null => {
    const args: (ConditionNode | null)[] = [parseAnd()];
    while (isOp(peek(), 'or')) {
      pos++;
      args.push(parseAnd());
    }
    return combine('or', args);
  };
  const parseAnd = (): ConditionNode | null => {
    const args: (ConditionNode | null)[] = [parseNot()];
    while (isOp(peek(), 'and')) {
      pos++;
      args.push(parseNot());
    }
    return combine('and', args);
  };
  let depth = 0;
  const deeper = (t: Token) => {
    if (++depth > MAX_CONDITION_DEPTH) err(`nesting deeper than ${MAX_CONDITION_DEPTH} levels`, t);
  };
  const parseNot = (): ConditionNode | null => {
    const t = peek();
    if (t !== undefined && t.text === 'not') {
      pos++;
      deeper(t);
      const arg = parseNot();
      depth--;
      return arg === null ? null : { type: 'not', arg };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode | null => {
    const t = peek();
    if (t === undefined) return err('expected a selection, `not`, `(` or `x of`');
    if (t.text === '(') {
      pos++;
      deeper(t);
      const inner = parseOr();
      if (!isOp(peek(), ')')) err("expected ')'", peek());
      pos++;
      depth--;
      return inner;
    }
    if (t.text === ')') return err("unexpected ')'", t);
    if (OPERATORS.has(t.text)) return err(`unexpected '${t.text}'`, t);
    if (UPPER_OPS.has(t.text)) return err(`operators are lower case: write '${t.text.toLowerCase()}' instead of '${t.text}'`, t);
    const next = toks[pos + 1];
    if (next !== undefined && next.text === 'of') {
      if (!['1', 'any', 'all'].includes(t.text)) err(`'${t.text} of' is not allowed: the quantifier must be 1, any or all`, t);
      const pat = toks[pos + 2];
      if (pat === undefined || pat.text === '(' || pat.text === ')' || OPERATORS.has(pat.text)) err(`expected a pattern or 'them' after '${t.text} of'`, pat);
      pos += 3;
      const quantifier = t.text === 'all' ? 'all' : 'one';
      let matches: string[];
      if (pat.text === 'them') {
        matches = identifiers.filter((n) => !n.startsWith('_'));
      } else {
        if (!/^[A-Za-z0-9*_]+$/.test(pat.text)) err(`invalid pattern '${pat.text}' (patterns may use letters, digits, _ and *; not -)`, pat);
        const re = new RegExp(`^${pat.text.replace(/\*/g, '.*')}$`);
        matches = identifiers.filter((n) => re.test(n) && (!n.startsWith('_') || pat.text.startsWith('_')));
      }
      const node: ConditionNode = { type: 'of', quantifier, pattern: pat.text, matches };
      if (matches.length === 0) {
        pruned.push(`${t.text} of ${pat.text}`);
        return null;
      }
      return node;
    }
    if (t.text === 'of' || t.text === 'them') return err(`unexpected '${t.text}'`, t);
    if (!/^[A-Za-z0-9_-]+$/.test(t.text)) err(`invalid identifier '${t.text}' (wildcards need '1 of' or 'all of')`, t);
    if (!ids.has(t.text)) {
      throw new RuleError('NJ_UNKNOWN_SELECTION', `condition references '${t.text}', which is not defined in detection (defined: ${identifiers.join(', ') || 'none'})`, path);
    }
    pos++;
    return { type: 'ref', name: t.text };
  };

  if (toks.length === 0) err('empty condition');
  const node = parseOr();
  if (pos < toks.length) {
    const t = toks[pos];
    err(UPPER_OPS.has(t.text) ? `operators are lower case: write '${t.text.toLowerCase()}'` : `unexpected '${t.text}' (missing 'and'/'or'?)`, t);
  }
  return { node, pruned };
}

function combine(type: 'and' | 'or', args: (ConditionNode | null)[]): ConditionNode | null {
  const kept = args.filter((a): a is ConditionNode => a !== null);
  if (kept.length === 0) return null;
  if (kept.length === 1) return kept[0];
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
      if (fs.length === 1) return fs[0];
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
