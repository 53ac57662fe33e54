/**
 * Analyses of a Sigma condition's syntax tree (the rules package's parser, the only one): evaluation
 * with pySigma's pruning, satisfiability, negation. The linter uses them to find unreachable and
 * always-true conditions; the rule tester to explain why a condition was false.
 */
import { type ConditionAst, expandPattern } from '@nightjar/rules';

/** A leaf of the tree: a named identifier or an `x of pattern` selector. */
export type ConditionTerm = Extract<ConditionAst, { type: 'ref' | 'of' }>;

/** The terms the condition names directly (patterns not expanded), in order. */
export function referencedIds(ast: ConditionAst, out: ConditionTerm[] = []): ConditionTerm[] {
  switch (ast.type) {
    case 'ref':
    case 'of':
      out.push(ast);
      break;
    case 'not':
      referencedIds(ast.arg, out);
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
  ast: ConditionAst,
  names: readonly string[],
  truth: (name: string) => boolean,
): boolean | undefined {
  switch (ast.type) {
    case 'ref':
      return truth(ast.name);
    case 'of': {
      const ids = expandPattern(ast.pattern, names);
      if (ids.length === 0) return undefined;
      return ast.quantifier === 'all' ? ids.every(truth) : ids.some(truth);
    }
    case 'not': {
      const v = evalCondition(ast.arg, names, truth);
      return v === undefined ? undefined : !v;
    }
    case 'and':
    case 'or': {
      // Pruned (undefined) arguments drop out; all pruned → pruned.
      let acc: boolean | undefined;
      for (const a of ast.args) {
        const v = evalCondition(a, names, truth);
        if (v === undefined) continue;
        acc = acc === undefined ? v : ast.type === 'and' ? acc && v : acc || v;
      }
      return acc;
    }
  }
}

/** The identifiers whose truth the condition depends on (after expanding patterns), in order. */
export function conditionVariables(ast: ConditionAst, names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const n of referencedIds(ast)) {
    if (n.type === 'ref') seen.add(n.name);
    else if (n.type === 'of') for (const x of expandPattern(n.pattern, names)) seen.add(x);
  }
  return [...seen];
}

/**
 * Whether the condition can ever be true / can ever be false, by enumerating truth assignments
 * of its identifiers (bounded: beyond 14 variables the answer is `undefined`, i.e. unknown).
 * `fixed` pins identifiers known to always match (e.g. a selection of only `*` values).
 */
export function satisfiability(
  ast: ConditionAst,
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
export function hasPositiveTerm(ast: ConditionAst, negated = false): boolean {
  switch (ast.type) {
    case 'ref':
    case 'of':
      return !negated;
    case 'not':
      return hasPositiveTerm(ast.arg, !negated);
    default:
      return ast.args.some((a) => hasPositiveTerm(a, negated));
  }
}

/** Identifiers (after pattern expansion) that occur only under an odd number of `not`s. */
export function negatedOnly(ast: ConditionAst, names: readonly string[]): Set<string> {
  const pos = new Set<string>();
  const neg = new Set<string>();
  const walk = (n: ConditionAst, negated: boolean): void => {
    if (n.type === 'ref' || n.type === 'of') {
      const ids = n.type === 'ref' ? [n.name] : expandPattern(n.pattern, names);
      for (const x of ids) (negated ? neg : pos).add(x);
    } else if (n.type === 'not') walk(n.arg, !negated);
    else for (const a of n.args) walk(a, negated);
  };
  walk(ast, false);
  return new Set([...neg].filter((x) => !pos.has(x)));
}
