import { RuleError } from '../errors.js';

/** pySigma's extended temporal condition: `and`/`or`/`not`/parentheses over rule names. */
export type TemporalNode =
  | { readonly op: 'ref'; readonly name: string }
  | { readonly op: 'not'; readonly arg: TemporalNode }
  | { readonly op: 'and' | 'or'; readonly args: readonly TemporalNode[] };

const TOKEN_RE = /\s*(?:(\()|(\))|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;
const MAX_DEPTH = 64;

/**
 * Parses `a and not (b or c)` with pySigma's precedence (not > and > or; operators lower case only,
 * identifiers `[A-Za-z_][A-Za-z0-9_]*`). Throws RuleError NJ_CORR_CONDITION at `path` on bad syntax.
 */
export function parseTemporalCondition(text: string, path: readonly (string | number)[]): TemporalNode {
  const tokens: string[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN_RE.lastIndex < text.length && (m = TOKEN_RE.exec(text))) {
    if (m[4] !== undefined)
      throw new RuleError('NJ_CORR_CONDITION', `unexpected '${m[4]}' in correlation condition '${text}'`, path);
    const t = m[1] ?? m[2] ?? m[3];
    if (t !== undefined) tokens.push(t);
  }
  if (tokens.length === 0) throw new RuleError('NJ_CORR_CONDITION', 'empty correlation condition', path);
  let pos = 0;
  const fail = (what: string): never => {
    throw new RuleError('NJ_CORR_CONDITION', `${what} in correlation condition '${text}'`, path);
  };
  // Recursive descent with a depth cap: the condition is rule text, so nesting is bounded.
  const parseOr = (depth: number): TemporalNode => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    const args = [parseAnd(depth)];
    while (tokens[pos] === 'or') {
      pos++;
      args.push(parseAnd(depth));
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  const parseAnd = (depth: number): TemporalNode => {
    const args = [parseNot(depth)];
    while (tokens[pos] === 'and') {
      pos++;
      args.push(parseNot(depth));
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  const parseNot = (depth: number): TemporalNode => {
    if (tokens[pos] === 'not') {
      pos++;
      return { op: 'not', arg: parseNot(depth + 1) };
    }
    return parseAtom(depth);
  };
  const parseAtom = (depth: number): TemporalNode => {
    const t = tokens[pos];
    if (t === undefined) return fail('unexpected end');
    if (t === '(') {
      pos++;
      const inner = parseOr(depth + 1);
      if (tokens[pos] !== ')') fail("missing ')'");
      pos++;
      return inner;
    }
    if (t === ')' || t === 'and' || t === 'or' || t === 'not') return fail(`unexpected '${t}'`);
    pos++;
    return { op: 'ref', name: t };
  };
  const tree = parseOr(0);
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return tree;
}

/** Rule names in order of first appearance. */
export function temporalRefs(node: TemporalNode): string[] {
  const out: string[] = [];
  const walk = (n: TemporalNode): void => {
    if (n.op === 'ref') {
      if (!out.includes(n.name)) out.push(n.name);
    } else if (n.op === 'not') walk(n.arg);
    else n.args.forEach(walk);
  };
  walk(node);
  return out;
}

/** Compiles the tree once into a closure over resolved rule ids. */
export function compileTemporal(
  node: TemporalNode,
  idOf: (name: string) => string,
): (seen: ReadonlySet<string>) => boolean {
  switch (node.op) {
    case 'ref': {
      const id = idOf(node.name);
      return (seen) => seen.has(id);
    }
    case 'not': {
      const f = compileTemporal(node.arg, idOf);
      return (seen) => !f(seen);
    }
    case 'and': {
      const fs = node.args.map((a) => compileTemporal(a, idOf));
      return (seen) => {
        for (const f of fs) if (!f(seen)) return false;
        return true;
      };
    }
    case 'or': {
      const fs = node.args.map((a) => compileTemporal(a, idOf));
      return (seen) => {
        for (const f of fs) if (f(seen)) return true;
        return false;
      };
    }
  }
}
